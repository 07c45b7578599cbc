package provider

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The documentation is meant to be scanned: a short description at the top
// of each page, the detail in titled sections of its template
// (templates/), short bullets, short paragraphs. These limits keep it so.
const (
	maxDescriptionSentences = 3
	maxBulletWords          = 85
	maxParagraphWords       = 150
)

// TestDocsStyle checks the schema-level descriptions of every resource,
// data source and action, and the bullets and paragraphs of the templates,
// DESIGN.md and README.md. README.md is a subtest of its own.
func TestDocsStyle(t *testing.T) {
	t.Run("schema descriptions", func(t *testing.T) {
		descriptions := schemaDescriptions(t)
		if len(descriptions) == 0 {
			t.Fatal("the provider has no resources, data sources or actions")
		}
		for name, doc := range descriptions {
			if strings.TrimSpace(doc) == "" {
				t.Errorf("%s: the schema has no MarkdownDescription", name)
				continue
			}
			if n := countSentences(doc); n > maxDescriptionSentences {
				t.Errorf("%s: the schema's MarkdownDescription has %d sentences (at most %d; move the detail into a section of its template):\n%s",
					name, n, maxDescriptionSentences, doc)
			}
		}
	})
	t.Run("templates", func(t *testing.T) {
		var files []string
		err := filepath.WalkDir("../../templates", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tmpl") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatal("no templates under ../../templates")
		}
		for _, f := range files {
			checkBullets(t, f, readDoc(t, f))
		}
	})
	t.Run("DESIGN.md", func(t *testing.T) {
		text := readDoc(t, "../../DESIGN.md")
		checkBullets(t, "DESIGN.md", text)
		for _, b := range markdownBlocks(text) {
			if b.bullet {
				continue // bullets have their own, lower limit
			}
			if n := len(strings.Fields(b.text)); n > maxParagraphWords {
				t.Errorf("DESIGN.md:%d: a paragraph of %d words (at most %d): %s", b.line, n, maxParagraphWords, excerpt(b.text))
			}
		}
	})
	t.Run("README.md", func(t *testing.T) {
		checkBullets(t, "README.md", readDoc(t, "../../README.md"))
	})
}

// schemaDescriptions returns the schema-level MarkdownDescription of every
// resource, data source and action the provider serves, by type name.
func schemaDescriptions(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	p, ok := New("test")().(*minioProvider)
	if !ok {
		t.Fatal("New does not return a *minioProvider")
	}
	var pm provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &pm)
	out := map[string]string{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var m resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: pm.TypeName}, &m)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		if s.Diagnostics.HasError() {
			t.Fatalf("resource %s: %v", m.TypeName, s.Diagnostics)
		}
		out["resource "+m.TypeName] = s.Schema.MarkdownDescription
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var m datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: pm.TypeName}, &m)
		var s datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &s)
		if s.Diagnostics.HasError() {
			t.Fatalf("data source %s: %v", m.TypeName, s.Diagnostics)
		}
		out["data source "+m.TypeName] = s.Schema.MarkdownDescription
	}
	for _, newAction := range p.Actions(ctx) {
		a := newAction()
		var m action.MetadataResponse
		a.Metadata(ctx, action.MetadataRequest{ProviderTypeName: pm.TypeName}, &m)
		var s action.SchemaResponse
		a.Schema(ctx, action.SchemaRequest{}, &s)
		if s.Diagnostics.HasError() {
			t.Fatalf("action %s: %v", m.TypeName, s.Diagnostics)
		}
		out["action "+m.TypeName] = s.Schema.MarkdownDescription
	}
	return out
}

// countSentences counts the sentences of a description. A sentence ends at
// '.', '!' or '?' followed by a space or the end of the text (closing
// brackets, quotes and emphasis may come between). So it does not split on
// abbreviations such as "e.g." and "i.e.", on version numbers ("1.14"),
// on dotted names (minio_kes_key.NAME.name), on anything inside backticks
// or on the target of a link.
func countSentences(text string) int {
	text = codeSpan.ReplaceAllString(text, "CODE")
	text = linkTarget.ReplaceAllString(text, "]")
	text = abbreviation.ReplaceAllString(text, "${1}ABBR")
	n := len(sentenceEnd.FindAllStringIndex(text, -1))
	if last := sentenceEnd.FindAllStringIndex(text, -1); len(last) == 0 {
		if strings.TrimSpace(text) != "" {
			n++
		}
	} else if strings.TrimSpace(text[last[len(last)-1][1]:]) != "" {
		n++ // a last sentence without its full stop
	}
	return n
}

var (
	codeSpan     = regexp.MustCompile("`+[^`]*`+")
	linkTarget   = regexp.MustCompile(`\]\([^)]*\)`)
	abbreviation = regexp.MustCompile(`(?i)(^|[\s(])(e\.g|i\.e|cf|vs|approx|incl)\.`)
	sentenceEnd  = regexp.MustCompile(`[.!?]+[)\]"'*_]*(\s|$)`)
)

// mdBlock is a paragraph or one list item of a Markdown text.
type mdBlock struct {
	line   int // 1-based line of its start
	text   string
	bullet bool
}

var listItem = regexp.MustCompile(`^\s*([-*+]|\d+[.)])\s+\S`)

// markdownBlocks splits Markdown into paragraphs and list items, each with
// its continuation lines (indented or not) and without nested items, which
// are blocks of their own. Code blocks, headings, tables, HTML and lines of
// template actions ({{ ... }}) are left out.
func markdownBlocks(text string) []mdBlock {
	var blocks []mdBlock
	var cur *mdBlock
	fenced := false
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fenced = !fenced
			cur = nil
		case fenced:
		case trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "|") ||
			strings.HasPrefix(trimmed, "<") || strings.HasPrefix(trimmed, "{{") || trimmed == "---":
			cur = nil
		case listItem.MatchString(line):
			blocks = append(blocks, mdBlock{line: i + 1, text: trimmed, bullet: true})
			cur = &blocks[len(blocks)-1]
		case cur != nil:
			cur.text += " " + trimmed
		default:
			blocks = append(blocks, mdBlock{line: i + 1, text: trimmed})
			cur = &blocks[len(blocks)-1]
		}
	}
	return blocks
}

// checkBullets fails for every list item of text longer than maxBulletWords.
func checkBullets(t *testing.T, name, text string) {
	t.Helper()
	for _, b := range markdownBlocks(text) {
		if !b.bullet {
			continue
		}
		if n := len(strings.Fields(b.text)); n > maxBulletWords {
			t.Errorf("%s:%d: a bullet of %d words (at most %d; split it, or make it a section): %s",
				strings.TrimPrefix(name, "../../"), b.line, n, maxBulletWords, excerpt(b.text))
		}
	}
}

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// excerpt is the start of a long text, to name it in a failure.
func excerpt(text string) string {
	words := strings.Fields(text)
	if len(words) <= 12 {
		return text
	}
	return strings.Join(words[:12], " ") + " ..."
}

// TestDocsStyleCountSentences pins what the sentence counter takes for one
// sentence.
func TestDocsStyleCountSentences(t *testing.T) {
	for text, want := range map[string]int{
		"":                                    0,
		"One sentence.":                       1,
		"One sentence without a full stop":    1,
		"One. Two! Three? Four.":              4,
		"Needs Terraform 1.14 or later.":      1,
		"Set `verify_limit = 0.5` and apply.": 1,
		"Refer to it as `minio_kes_key.NAME.name`. Then plan.":                 2,
		"Refer to it as minio_kes_key.NAME.name, then plan.":                   1,
		"From an `action_trigger`, e.g. when a key is created, i.e. at apply.": 1,
		"E.g. this. And that.": 2,
		"It creates a **new** key. It cannot decrypt (the old one sealed it.)":  2,
		"See [the guide](../guides/rotating-to-a-new-kes-key.md). Then rotate.": 2,
		"Deleted about 3 days after they end... Use `triggers`.":                2,
		"A \"quoted sentence.\" And another.":                                   2,
	} {
		if got := countSentences(text); got != want {
			t.Errorf("countSentences(%q) = %d, want %d", text, got, want)
		}
	}
}

// TestDocsStyleMarkdownBlocks pins how bullets and paragraphs are cut.
func TestDocsStyleMarkdownBlocks(t *testing.T) {
	text := "# Title\n\nA paragraph\non two lines.\n\n- **a**: one bullet\n  continued\nlazily continued\n" +
		"  - a nested one\n- another\n\n```hcl\n- not a bullet\n```\n| table | row |\n1. numbered\n{{ .SchemaMarkdown }}\n"
	got := markdownBlocks(text)
	want := []mdBlock{
		{line: 3, text: "A paragraph on two lines."},
		{line: 6, text: "- **a**: one bullet continued lazily continued", bullet: true},
		{line: 9, text: "- a nested one", bullet: true},
		{line: 10, text: "- another", bullet: true},
		{line: 16, text: "1. numbered", bullet: true},
	}
	if len(got) != len(want) {
		t.Fatalf("markdownBlocks = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
