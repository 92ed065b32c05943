package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"flag"

	"github.com/ikrar/ikrar/internal/api"
	"github.com/ikrar/ikrar/internal/i18n"
)

// runTokenAdd makes an API token and prints it once: only its hash is kept.
func runTokenAdd(ctx context.Context, env Env, args []string) error {
	var name, expires string
	var scopes, depts multiFlag
	cfg, fs, err := parseFlags(env, "token add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", i18n.T(outLang, "flag_token_name"))
		fs.Var(&scopes, "scope", "scope ("+strings.Join(api.AllScopes, ", ")+"); repeatable or comma-separated")
		fs.Var(&depts, "department", i18n.T(outLang, "flag_token_department"))
		fs.StringVar(&expires, "expires", "", i18n.T(outLang, "flag_token_expires"))
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 || name == "" || len(scopes) == 0 {
		return usageError{i18n.T(outLang, "cli_need_name_scope")}
	}
	now := time.Now()
	exp, err := api.ParseExpiry(expires, now)
	if err != nil {
		return usageError{err.Error()}
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	plain, t, err := api.CreateToken(ctx, st, "cli", api.TokenRequest{Name: name, Scopes: scopes, Departments: depts, ExpiresAt: exp}, now)
	if errors.Is(err, api.ErrInvalidToken) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, i18n.T(outLang, "cli_token_added", t.Name, t.Scopes))
	fmt.Fprintln(env.Stdout, plain)
	return nil
}
