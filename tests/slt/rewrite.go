package slt

import (
	"strings"
)

// rewriteFile returns the file's text with each query's result section
// replaced by what the target returned, and each error record's pgcode set to
// the SQLSTATE the target returned. Everything else is kept as written.
func rewriteFile(records []*Record, lines []string, results map[*Record]outcome) string {
	var out []string
	next := 0 // next line of the original to copy
	for _, r := range records {
		res, ran := results[r]
		if !ran {
			continue
		}
		switch {
		case r.ExpectError && res.err != nil:
			out = append(out, lines[next:r.headerIdx]...)
			kind := "statement"
			if r.Kind == KindQuery {
				kind = "query"
			}
			header := kind + " error pgcode " + res.err.Code
			if r.errRest != "" {
				header += " " + r.errRest
			}
			out = append(out, header)
			next = r.headerIdx + 1
		case r.Kind == KindQuery && !r.ExpectError && res.err == nil && res.mismatch == "":
			out = append(out, lines[next:r.sqlEnd]...)
			out = append(out, "----")
			out = append(out, res.lines...)
			next = r.resultEnd
		}
	}
	out = append(out, lines[next:]...)
	return strings.Join(out, "\n") + "\n"
}
