package web

// Catalogue gives the tests of package web_test the message catalogue.
func Catalogue() map[string]map[string]string { return messages }
