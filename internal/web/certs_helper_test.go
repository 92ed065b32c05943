package web_test

import (
	"testing"

	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
)

func newCerts(t *testing.T, st *store.Store, cfg config.Config) web.Certificates { return nil }
