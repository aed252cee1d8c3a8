package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/poll"
	"github.com/newswire/newswire/internal/postfile"
	"github.com/newswire/newswire/internal/thread"
	"github.com/newswire/newswire/internal/web"
	"github.com/newswire/newswire/internal/websub"
	"github.com/newswire/newswire/store"
)

// runIngest ingests the paths once and prints a line per file.
func runIngest(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("ingest", &cfg, stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: newswire ingest [flags] PATH...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	db, logger, err := openCommand(ctx, &cfg, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	in, stories := newIngester(db, &cfg, nil)
	failed := 0
	err = in.Paths(ctx, fs.Args(), func(r ingest.FileResult) {
		if r.Err != nil {
			failed++
		}
		fmt.Fprintln(stdout, r.Summary())
	})
	st := &settler{stories: stories, db: db, logger: logger}
	if serr := st.settle(ctx, true); serr != nil {
		return serr
	}
	if err != nil {
		logger.Debug("ingest finished with errors", "failed", failed, "err", err)
		return fmt.Errorf("%d input(s) failed", failed)
	}
	return nil
}

// runServe ingests the seed directory, then serves HTTP until ctx is done,
// rescanning the seeds on SIGHUP and every --rescan.
func runServe(ctx context.Context, args, env []string, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("serve", &cfg, stderr)
	fs.StringVar(&cfg.Seeds, "seeds", "", "directory of post dumps to ingest at start, on SIGHUP and every --rescan")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.DurationVar(&cfg.Rescan, "rescan", 5*time.Minute, "how often to rescan --seeds (0 turns it off)")
	sourcesFile := fs.String("sources", "", "OPML file of feeds to poll, imported at start (duplicates merged)")
	pollEvery := fs.Duration("poll-check", time.Minute, "how often to look for feeds due a poll (0 turns polling off)")
	adminToken := fs.String("admin-token", "", "bearer token that turns on the admin API under /admin/ (off when empty)")
	pageSize := fs.Int("page-size", web.DefaultPageSize, "entries per page of the archived (RFC 5005) feeds")
	hubRetry := fs.Duration("hub-retry", websub.DefaultRetryInitial, "wait before retrying a failed WebSub delivery or hub ping (doubling each time, up to an hour)")
	hubURL := fs.String("hub", "", "URL of an external WebSub hub for feeds to name and to ping on change (default: the built-in hub at BASE-URL/hub)")
	settleEvery := fs.Duration("settle-every", 10*time.Minute, "how often, at most, to re-cluster in publication order the stories that items arriving out of order touched")
	var pf pollFlags
	pf.register(fs)
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	logger, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	db, err := openStore(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}

	in, stories := newIngester(db, &cfg, logger)
	st := &settler{stories: stories, db: db, logger: logger, every: *settleEvery}
	if *sourcesFile != "" {
		if err := importSources(ctx, db, *sourcesFile, io.Discard); err != nil {
			return fmt.Errorf("--sources: %w", err)
		}
	}
	// Background work stops with ctx; wait for it before the store closes.
	var background sync.WaitGroup
	defer background.Wait()
	ctx, stop := context.WithCancel(ctx) // also stops them if serving fails
	defer stop()
	if *pollEvery > 0 {
		background.Go(func() { pollLoop(ctx, newPoller(db, stories, pf, logger), *pollEvery, st, logger) })
	}
	scan := func(why string) {
		scanSeeds(ctx, in, cfg.Seeds, why, logger)
		st.settle(ctx, why != "interval")
	}
	// Register for SIGHUP before the first scan, so a SIGHUP sent once the
	// daemon has said it is listening is never lost (or fatal).
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	scan("start")
	background.Go(func() { rescanLoop(ctx, cfg.Rescan, hup, scan) })

	pusher, err := newPush(db, strings.TrimRight(cfg.BaseURL, "/"), *hubURL, *hubRetry, logger)
	if err != nil {
		return fmt.Errorf("--hub: %w", err)
	}
	webCfg := web.Config{Store: db, BaseURL: cfg.BaseURL, Tagger: db.Tagger(),
		Logger: logger, SiteTitle: "newswire", AdminToken: *adminToken, Admin: db, PageSize: *pageSize,
		Generation: db.Generation, HubURL: pusher.HubURL, HubListedOnly: pusher.ListedOnly}
	if pusher.Handler != nil {
		webCfg.Hub = pusher.Handler
	}
	webSrv := web.NewServer(webCfg)
	pusher.Start(ctx, &background, webSrv, db.Generation, time.Second, logger)
	// Writes by other processes (a separate "newswire ingest") reach the
	// document cache within a second.
	watching, err := db.WatchChanges(ctx, time.Second)
	if err != nil {
		return err
	}
	background.Go(func() {
		if err := <-watching; err != nil {
			logger.Error("watch for database changes", "err", err)
		}
	})
	logger.Info("admin API", "enabled", webSrv.AdminEnabled())
	srv := &http.Server{
		Handler:           webSrv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return serveUntilDone(ctx, srv, ln, logger)
}

// openCommand builds a command's logger and opens its database.
func openCommand(ctx context.Context, cfg *config, stderr io.Writer) (*store.DB, *slog.Logger, error) {
	logger, err := cfg.logger(stderr)
	if err != nil {
		return nil, nil, err
	}
	db, err := openStore(ctx, cfg, logger)
	return db, logger, err
}

// openStore opens the configured database. The tag: authority and date
// come from the configuration for a new database; an existing one keeps
// those it was created with, and a differing configuration is logged.
func openStore(ctx context.Context, cfg *config, logger *slog.Logger) (*store.DB, error) {
	tagger, err := cfg.tagger()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{Tagger: tagger})
	if err != nil {
		return nil, err
	}
	if db.TaggerChanged() {
		logger.Warn("database keeps the tag: authority and date it was created with",
			"db", cfg.DB, "authority", db.Tagger().Authority, "date", db.Tagger().Date,
			"configured_authority", tagger.Authority, "configured_date", tagger.Date)
	}
	return db, nil
}

// newIngester wires the ingest pipeline: post dumps are parsed and
// threaded, feed files parsed, and both their items grouped into stories
// by the returned service (share it: it serialises story decisions).
func newIngester(db *store.DB, cfg *config, logger *slog.Logger) (*ingest.Ingester, *coverage.Service) {
	stories := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger()})
	return &ingest.Ingester{Store: db, Parse: postfile.Parse, Resolve: thread.Resolve,
		Coverage: stories, MaxFileSize: cfg.MaxFileSize, Logger: logger}, stories
}

// pollLoop polls the feeds that are due every interval until ctx is done.
func pollLoop(ctx context.Context, p *poll.Poller, interval time.Duration, st *settler, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		reports, err := p.Cycle(ctx, false)
		if err != nil && ctx.Err() == nil {
			logger.Error("poll cycle", "err", err)
		}
		for _, r := range reports {
			if r.Err != nil {
				logger.Warn("poll failed", "url", r.URL, "status", r.Status, "err", r.Err)
			}
		}
		st.settle(ctx, false)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// scanSeeds ingests the seed directory, logging each failure; it never
// stops the daemon.
func scanSeeds(ctx context.Context, in *ingest.Ingester, dir, why string, logger *slog.Logger) {
	if dir == "" {
		return
	}
	failed, total := 0, 0
	err := in.Paths(ctx, []string{dir}, func(r ingest.FileResult) {
		total++
		if r.Err != nil {
			failed++
			logger.Error("ingest failed", "file", r.Path, "err", r.Err)
		}
	})
	logger.Info("scanned seeds", "dir", dir, "reason", why, "files", total, "failed", failed,
		"ok", err == nil)
}

// rescanLoop calls scan on each signal from hup and every interval until
// ctx is done.
func rescanLoop(ctx context.Context, interval time.Duration, hup <-chan os.Signal, scan func(why string)) {
	var tick <-chan time.Time
	if interval > 0 {
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			scan("SIGHUP")
		case <-tick:
			scan("interval")
		}
	}
}

// serveUntilDone serves on ln until ctx is done, then shuts down cleanly,
// letting requests in flight finish for up to ten seconds.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String()+"/")
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
