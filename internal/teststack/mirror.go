package teststack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// A provider mirror lets every CLI the tests and the demo run under
// install providers without a registry and without dev_overrides (whose
// `terraform init` misbehaves under Terraform 1.11): a directory in the
// filesystem mirror's unpacked layout, HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/
// terraform-provider-TYPE_vVERSION, and a CLI configuration that installs
// from it.

// MirrorHosts are the registry hosts a mirror serves each provider under:
// Terraform resolves "namespace/type" under registry.terraform.io, OpenTofu
// under registry.opentofu.org.
var MirrorHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

// TimeProviderVersion is the hashicorp/time provider the scheduled-rotation
// guide is tested with, built from the Go module proxy (its go.mod has no
// replace directive, so `go install module@version` builds it as released).
const TimeProviderVersion = "0.14.2"

var timeProvider = server{name: "terraform-provider-time", pkg: "github.com/hashicorp/terraform-provider-time@v" + TimeProviderVersion}

// TimeProvider returns the path of hashicorp/time TimeProviderVersion,
// building it on first use into the binary cache (CacheDir), keyed by the
// version and the Go toolchain. Concurrent callers wait for one build.
func TimeProvider(ctx context.Context, logf func(string, ...any)) (string, error) {
	return timeProvider.installed(ctx, logf)
}

// installed is binary for a package named with its version, built by `go
// install` outside any module: no pinning module is needed.
func (s server) installed(ctx context.Context, logf func(string, ...any)) (string, error) {
	h := sha256.New()
	io.WriteString(h, s.pkg+" "+runtime.Version())
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the binary cache %s: %w", dir, err)
	}
	bin := filepath.Join(dir, s.name+"-"+hex.EncodeToString(h.Sum(nil))[:16])
	unlock, err := lockFile(bin + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	logf("teststack: building %s from the Go module proxy (cold build, a minute or two)", s.pkg)
	gobin, err := os.MkdirTemp(dir, s.name+".build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(gobin)
	cmd := exec.CommandContext(ctx, "go", "install", "-trimpath", s.pkg)
	cmd.Dir = gobin // outside any module: the package's own go.mod decides
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOBIN="+gobin, "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s failed: %w\n%s", s.pkg, err, out)
	}
	name, _, _ := strings.Cut(filepath.Base(s.pkg), "@")
	if err := os.Rename(filepath.Join(gobin, name), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// MirrorBinaryName is the file name a provider's executable has in a
// mirror (and in a release zip): terraform-provider-TYPE_vVERSION.
func MirrorBinaryName(typ, version string) string {
	return "terraform-provider-" + typ + "_v" + version
}

// AddToMirror puts the provider executable binary into the mirror at
// mirror as source address namespace/typ at version, for the running
// platform, under every host of MirrorHosts. The file is hard-linked where
// possible, else copied.
func AddToMirror(mirror, namespace, typ, version, binary string) error {
	for _, host := range MirrorHosts {
		plat := filepath.Join(mirror, host, namespace, typ, version, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(plat, 0o700); err != nil {
			return err
		}
		dst := filepath.Join(plat, MirrorBinaryName(typ, version))
		if err := os.Link(binary, dst); err == nil {
			continue
		}
		if err := copyExecutable(binary, dst); err != nil {
			return fmt.Errorf("adding %s/%s %s to the mirror: %w", namespace, typ, version, err)
		}
	}
	return nil
}

func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// MirrorCLIConfig is a CLI configuration (for TF_CLI_CONFIG_FILE) that
// installs the providers matched by patterns ("minio-keyrotate/*",
// "hashicorp/time"), under every host of MirrorHosts, from the mirror at
// mirror. With direct, every other provider comes from its registry;
// without, nothing else can be installed.
func MirrorCLIConfig(mirror string, direct bool, patterns ...string) string {
	var hosted []string
	for _, p := range patterns {
		for _, host := range MirrorHosts {
			hosted = append(hosted, fmt.Sprintf("%q", host+"/"+p))
		}
	}
	list := "[" + strings.Join(hosted, ", ") + "]"
	cfg := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = %s\n  }\n", mirror, list)
	if direct {
		cfg += fmt.Sprintf("  direct {\n    exclude = %s\n  }\n", list)
	}
	return cfg + "}\n"
}

// ProviderVersionOverride is a Terraform override file (NAME_override.tf)
// that requires exactly the given version of the provider
// minio-keyrotate/minio under the local name minio. An exact constraint is
// the only way a CLI selects a pre-release such as 0.1.0-dev, and it makes
// a configuration that names no version use the build in the mirror.
func ProviderVersionOverride(version string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    minio = {
      source  = "minio-keyrotate/minio"
      version = %q
    }
  }
}
`, version)
}
