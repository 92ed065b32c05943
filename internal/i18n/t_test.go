package i18n

import (
	"errors"
	"fmt"
	"testing"
)

func TestT(t *testing.T) {
	pages["test_plain"] = Text{"Halo", "Hello"}
	pages["test_args"] = Text{"baris %d: %s", "line %d: %s"}
	catalogue["test_plain"], catalogue["test_args"] = pages["test_plain"], pages["test_args"]
	t.Cleanup(func() {
		delete(catalogue, "test_plain")
		delete(catalogue, "test_args")
		delete(pages, "test_plain")
		delete(pages, "test_args")
	})
	inner := New("test_plain")
	wrapped := fmt.Errorf("import: %w", New("test_args", 3, inner))
	for _, c := range []struct{ name, got, want string }{
		{"id", T("id", "test_plain"), "Halo"},
		{"en", T("en", "test_plain"), "Hello"},
		{"other language is Indonesian", T("jv", "test_plain"), "Halo"},
		{"unknown key shows", T("en", "no_such_key"), "!no_such_key"},
		{"args, nested error in the same language", T("en", "test_args", 3, inner), "line 3: Hello"},
		{"Both: Indonesian first", Both("test_plain"), "Halo / Hello"},
		{"TwoLang en: English first", TwoLang("en", "test_plain"), "Hello / Halo"},
		{"Error() is both", inner.Error(), "Halo / Hello"},
		{"Message finds the key through wrapping", Message("en", wrapped), "line 3: Hello"},
		{"Message of a plain error is its text", Message("en", errors.New("disk full")), "disk full"},
		{"Message of nil", Message("id", nil), ""},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	e := New("test_args", 1, inner)
	_ = e.In("en")
	if e.Args[1] != inner {
		t.Error("T rewrote the error's own arguments")
	}
}

// TestTNoAlloc: a page asks for many messages; one without arguments is a
// map index and allocates nothing.
func TestTNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = T("en", "app") }); n != 0 {
		t.Errorf("T without args: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Table("id")["app"] }); n != 0 {
		t.Errorf("Table: %v allocations, want 0", n)
	}
}
