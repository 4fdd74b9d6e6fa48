// server.go: the Go restaurant, a peer of lunchrush's two: Go's net/http, a goroutine per
// connection, code written like the blocking server (read, work, sleep, write, in order)
// on a runtime that waits with an event loop (netpoll) underneath. GOMAXPROCS (from the
// environment) is how many cores it may use.
//
// It answers the lunchrush order: GET /order?cook_ms=N&work_us=M (or GET /) after
// M microseconds of CPU on its goroutine and an N millisecond sleep (the kitchen), with a
// body of the same 96 bytes as ours; 400 for a bad parameter, 404 for another path, 405
// for another method. Usage: go-server [--host H] [--port P]; prints
// "listening on HOST:PORT" first. SIGTERM, SIGINT, SIGHUP: orders in hand get 2 s.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	cookMsMax  = 60000
	workUsMax  = 1000000
	bodyLength = 96
)

var served uint64

func param(q string, name string, max uint64) (uint64, bool, bool) {
	for _, kv := range strings.Split(q, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n > max {
				return 0, true, false
			}
			return n, true, true
		}
	}
	return 0, false, true
}

func refuse(w http.ResponseWriter, status int, reason string) {
	w.Header()["Date"] = nil
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Connection", "close")
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, HEAD")
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, "%d %s: %s\n", status, http.StatusText(status), reason)
}

// burn spends us microseconds of CPU on this goroutine: the order's work at the register.
func burn(us uint64) {
	end := time.Now().Add(time.Duration(us) * time.Microsecond)
	for time.Now().Before(end) {
	}
}

func order(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" && r.URL.Path != "/order" {
		refuse(w, http.StatusNotFound, "the only dish is /order?cook_ms=N&work_us=M")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		refuse(w, http.StatusMethodNotAllowed, "orders are placed with GET")
		return
	}
	cook, _, ok1 := param(r.URL.RawQuery, "cook_ms", cookMsMax)
	work, _, ok2 := param(r.URL.RawQuery, "work_us", workUsMax)
	if !ok1 || !ok2 {
		refuse(w, http.StatusBadRequest, "cook_ms is 0..60000 and work_us 0..1000000")
		return
	}
	if work > 0 {
		burn(work)
	}
	if cook > 0 {
		time.Sleep(time.Duration(cook) * time.Millisecond)
	}
	n := atomic.AddUint64(&served, 1)
	body := fmt.Sprintf("go order %d: kitchen %d ms, work %d us", n, cook, work)
	if len(body) < bodyLength-1 {
		body += strings.Repeat(" ", bodyLength-1-len(body))
	}
	body += "\n"
	w.Header()["Date"] = nil
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write([]byte(body))
	}
}

func main() {
	host, port := "127.0.0.1", "0"
	for i := 1; i < len(os.Args); i++ {
		switch {
		case os.Args[i] == "--host" && i+1 < len(os.Args):
			i++
			host = os.Args[i]
		case os.Args[i] == "--port" && i+1 < len(os.Args):
			i++
			port = os.Args[i]
		case os.Args[i] == "--help" || os.Args[i] == "-h":
			fmt.Println("usage: go-server [--host H] [--port P]   (GOMAXPROCS sets the cores)")
			return
		default:
			fmt.Fprintf(os.Stderr, "go-server: unknown option '%s'\ntry 'go-server --help'\n", os.Args[i])
			os.Exit(2)
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-server: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(order), IdleTimeout: 75 * time.Second}
	fmt.Printf("listening on %s\n", ln.Addr().String())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "go-server: %v\n", err)
		os.Exit(1)
	}
}
