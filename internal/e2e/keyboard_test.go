package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focused describes the element that has the keyboard focus and whether
// it shows a focus indicator that meets WCAG 2.2 AA: an opaque outline of
// 2 px or more whose colour has a contrast of 3:1 or more against the
// background behind it, on the element or, for a checkbox, on the label
// around it (what sighted keyboard users watch).
const focused = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body|";
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); }); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const behind = e => { for (let p = e.parentElement; p; p = p.parentElement) { const c = rgb(getComputedStyle(p).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c; } return [255, 255, 255]; };
  const ring = e => {
    if (!e) return false;
    const cs = getComputedStyle(e);
    if (cs.outlineStyle === "none" || parseFloat(cs.outlineWidth) < 2) return false;
    const c = rgb(cs.outlineColor);
    if (c.length === 4 && c[3] < 1) return false;
    const a = lum(c), b = lum(behind(e));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) >= 3;
  };
  const shown = ring(el) || ((el.type === "checkbox") && ring(el.closest("label")));
  const id = el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "") + (el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : "") + (el.type === "submit" ? "[submit]" : "");
  return id + "|" + (shown ? "ring" : "no ring");
})()`

// tabTo presses Tab until the focused element's description contains
// want, checking on the way that every element focused shows a ring.
func (b *browser) tabTo(want string) string {
	b.t.Helper()
	for i := 0; i < 40; i++ {
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		el, ring, _ := strings.Cut(b.eval("read the focus", focused), "|")
		if el != "body" && ring != "ring" {
			b.t.Errorf("%s has the keyboard focus but no focus ring of 3:1 contrast", el)
		}
		if strings.Contains(el, want) {
			return el
		}
	}
	b.t.Fatalf("40 presses of Tab never reached %s", want)
	return ""
}

// TestKeyboardOnlySigning signs, reads the receipt and downloads the
// certificate with the keyboard alone, as a screen-reader or switch user
// does: no clicks, no scripts run on the page by the test.
func TestKeyboardOnlySigning(t *testing.T) {
	requireChromium(t)
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), "--demo")
	link := demoLinks(t, srv.Banner)[0]
	b := newBrowser(t, 3*time.Minute)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	b.size(screens[1])
	b.open(link.URL)

	// The first Tab reaches the skip link; Enter skips the header.
	if el := b.tabTo("a"); !strings.Contains(el, "#main") {
		t.Errorf("the first Tab focuses %s, want the skip link to #main", el)
	}
	b.do("skip to the content", chromedp.KeyEvent(kb.Enter))
	for i := 1; i <= 4; i++ {
		b.tabTo("point" + string(rune('0'+i)))
		b.do("tick with Space", chromedp.KeyEvent(" "))
	}
	b.tabTo("[name=name]")
	b.do("type the name", chromedp.KeyEvent(bareName(link.Name)))
	b.tabTo("[submit]")
	b.do("sign with Enter", chromedp.KeyEvent(kb.Enter))
	b.do("wait for the receipt", chromedp.WaitVisible(chromedp.ID("cert-code")))
	if got := b.eval("read the ticks", `String(document.querySelectorAll("input[type=checkbox]").length)`); got != "0" {
		t.Fatalf("still on the signing page after Enter: %s checkboxes", got)
	}
	text := b.eval("read the receipt", `document.querySelector("main").innerText`)
	code := strings.TrimSpace(b.eval("certificate code", `document.getElementById("cert-code").textContent`))
	if !strings.Contains(text, "Ikrar telah ditandatangani") || !strings.HasPrefix(code, "IKR-") {
		t.Fatalf("receipt reads %q", tail(text, 400))
	}

	// From the top of the receipt, Tab reaches the download, and Enter
	// downloads the signed PDF.
	b.tabTo("certificate.pdf")
	b.do("download with Enter", chromedp.KeyEvent(kb.Enter))
	var pdf []byte
	for i := 0; i < 200 && pdf == nil; i++ {
		files, _ := filepath.Glob(filepath.Join(downloads, "*.pdf"))
		for _, f := range files {
			if body, err := os.ReadFile(f); err == nil && strings.HasPrefix(string(body), "%PDF-") {
				pdf = body
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if pdf == nil {
		entries, _ := os.ReadDir(downloads)
		t.Fatalf("no certificate PDF downloaded after Enter on its link (folder holds %d entries)", len(entries))
	}
	t.Logf("signed %s with the keyboard alone and downloaded %d bytes", code, len(pdf))
}
