package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// dynamicPrefixes are the key families code builds at run time from a
// value ("status_" + a campaign's status), named here with where they are
// built, so their members count as used.
var dynamicPrefixes = []string{
	"status_",       // web: campaignLabel, the campaign status pills
	"flash_",        // web: flashOf, ?ok=<word> after a form
	"admin_",        // web: adminPage nav labels and page titles by section
	"outbox_kind_",  // web: outbox and unit message pages, by message kind
	"outbox_state_", // templates/pages/admin_outbox.html, by state
	"send_",         // web: unit_messages, by message kind
	"reach_stage_",  // web: reach, by escalation stage
}

// source is the project's Go code (tests and this package left out) and
// its templates.
type source struct {
	goLiterals map[string]bool // every "snake_case" string literal in Go
	goKeys     []use           // keys named in i18n calls
	tmplKeys   []use           // keys named as .T.key / $t.key in templates
}

type use struct{ key, where string }

var (
	literalRe = regexp.MustCompile(`"([a-z][a-z0-9_]*)"`)
	tmplRe    = regexp.MustCompile(`(?:\.T|\$t)\.([a-z0-9_]+)`)
	// callRes find keys named in the calls that take one; group 1 is the key.
	callRes = []*regexp.Regexp{
		regexp.MustCompile(`i18n\.(?:T|TwoLang)\([^,()]+,\s*"([a-z0-9_]+)"`),
		regexp.MustCompile(`i18n\.(?:New|Both|Has)\("([a-z0-9_]+)"`),
		regexp.MustCompile(`newError\(\w+,\s*"([a-z0-9_]+)"`),                  // nip
		regexp.MustCompile(`problem\(http\.\w+,\s*"([a-z0-9_]+)"`),             // api
		regexp.MustCompile(`fieldError\([^,()]+,\s*"[^"]*",\s*"([a-z0-9_]+)"`), // api
	}
)

// eachSource calls fn with every file of the project that can hold
// wording: its Go code (tests and this package left out) and its page
// templates, by path from the root (slashes) and content.
func eachSource(t *testing.T, fn func(rel string, isGo bool, b []byte) error) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", "i18n":
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		isGo := strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")
		isTmpl := strings.HasSuffix(p, ".html") && strings.Contains(rel, "templates/")
		if !isGo && !isTmpl {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return fn(rel, isGo, b)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readSource(t *testing.T) source {
	t.Helper()
	src := source{goLiterals: map[string]bool{}}
	eachSource(t, func(rel string, isGo bool, b []byte) error {
		if isGo {
			for _, m := range literalRe.FindAllSubmatch(b, -1) {
				src.goLiterals[string(m[1])] = true
			}
			for _, re := range callRes {
				for _, m := range re.FindAllSubmatch(b, -1) {
					src.goKeys = append(src.goKeys, use{string(m[1]), rel})
				}
			}
			return nil
		}
		for _, m := range tmplRe.FindAllSubmatch(b, -1) {
			src.tmplKeys = append(src.tmplKeys, use{string(m[1]), rel})
		}
		return nil
	})
	if len(src.tmplKeys) == 0 || len(src.goLiterals) == 0 {
		t.Fatalf("found %d template keys and %d Go literals: is the walk right?", len(src.tmplKeys), len(src.goLiterals))
	}
	return src
}

// TestKeys keeps the catalogue and its users in step: every message has
// both languages, every key is used somewhere, and every key a template
// or an i18n call names exists (a typo would render "" or "!key").
func TestKeys(t *testing.T) {
	var problems []string
	for k, v := range catalogue {
		if strings.TrimSpace(v.ID) == "" {
			problems = append(problems, "no Indonesian: "+k)
		}
		if strings.TrimSpace(v.EN) == "" {
			problems = append(problems, "no English: "+k)
		}
	}
	src := readSource(t)
	used := map[string]bool{}
	for _, u := range append(src.goKeys, src.tmplKeys...) {
		used[u.key] = true
		if !Has(u.key) {
			problems = append(problems, "unknown key "+u.key+" in "+u.where)
		}
	}
	for k := range catalogue {
		if used[k] || src.goLiterals[k] {
			continue
		}
		dynamic := false
		for _, p := range dynamicPrefixes {
			dynamic = dynamic || strings.HasPrefix(k, p)
		}
		if !dynamic {
			problems = append(problems, "unused: "+k)
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}
