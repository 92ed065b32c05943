package web

import (
	"net/url"

	"github.com/ikrar/ikrar/internal/store"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func urlPathEscape(s string) string { return url.PathEscape(s) }

func (s *Server) staffRoutes() {
	e := s.echo
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logout)
	e.POST("/login/2fa", s.loginSecondFactor)

	account := e.Group("/account", requireStaff(store.RoleAdmin, store.RoleHead))
	account.GET("/2fa", s.twoFAPage)
	account.POST("/2fa", s.twoFAEnable)
	account.POST("/2fa/disable", s.twoFADisable)

	dash := e.Group("/dashboard", requireStaff(store.RoleAdmin, store.RoleHead))
	dash.GET("", s.dashboard)
	dash.GET("/departments/:code", s.departmentPage)
	dash.GET("/departments/:code/messages", s.unitMessagesConfirm)
	dash.POST("/departments/:code/messages", s.unitMessagesSend)
	dash.GET("/departments/:code/whatsapp", s.unitWhatsApp)
	dash.GET("/departments/:code/pending/:file", s.unitPendingFile)
	dash.GET("/certificates/:code", s.staffCertificate)
	dash.GET("/review", s.reviewPage)

	reports := e.Group("/reports", requireStaff(store.RoleAdmin, store.RoleHead))
	reports.GET("/summary.:ext", s.reportSummary)
	reports.GET("/departments/:file", s.reportDepartment)

	s.adminRoutes()
}
