package web

import "github.com/ikrar/ikrar/internal/i18n"

// Catalogue gives the tests of package web_test the message catalogue.
func Catalogue() map[string]map[string]string {
	return map[string]map[string]string{"id": i18n.Table("id"), "en": i18n.Table("en")}
}
