package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// row is one line of the table.
type row struct {
	what, size, value string
	goal              string
	met               string // "yes", "no", or "" without a goal
	runs              int
}

type table struct{ rows []row }

func (t *table) add(rows ...row) { t.rows = append(t.rows, rows...) }

// print writes the table as Markdown, ready for BENCHMARKS.md.
func (t *table) print(w io.Writer) {
	fmt.Fprintln(w, "| measurement | size | result | goal | met | runs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", r.what, r.size, r.value, r.goal, r.met, r.runs)
	}
}

func metIf(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// count is n with thousands separators and its noun.
func count(n int, noun string) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + " " + noun
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%d ms", d.Milliseconds()) }
