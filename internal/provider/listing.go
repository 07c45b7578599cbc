package provider

// listingConcurrency is how many key ranges of one bucket the provider's
// passes list at once (scan.ScanConcurrent, usage.Options.Concurrency).
// Ranges listed side by side were measured 3 to 6 times slower than one
// listing on the pinned MinIO, on one node and on four (10,000 versions
// under one prefix: 2.0 to 4.9 s in one listing, 6.8 to 15 s in 2 to 8
// ranges; BENCHMARKS.md): a listing that starts at a key marker walks the
// prefix up to the marker again, so the ranges repeat each other's work.
// The passes stay serial; the partitioned listing is measured by `make
// bench` and `make bench-sim`, where the server's walk is not the cost.
const listingConcurrency = 1
