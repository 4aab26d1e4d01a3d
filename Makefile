# gleaner: `make run` starts the daemon with gleaner.toml; `make test` runs every test.
GO      ?= go
BIN     ?= bin/gleaner
CONFIG  ?= gleaner.toml
LISTEN  ?= 127.0.0.1:8080
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build run demo test test-short race bench bench-go bench-independent vet fmt install clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/gleaner

# Start the daemon with the checked-in config and its SQLite database.
run: build
	./$(BIN) run -config $(CONFIG)

# Offline: serve the built-in sample feeds on loopback and run the daemon
# against them; make demo LISTEN=127.0.0.1:8081 serves on another port.
demo: build
	./$(BIN) demo -listen $(LISTEN)

vet:
	$(GO) vet ./...

# Every test, including the end-to-end ones that build and run the binary, the
# topic filter's accuracy floor, and the real readers (jing, feedparser, newsboat,
# chromium) where installed (.ci/run installs them).
test: vet
	$(GO) test -count=1 -timeout 15m ./...

test-short:
	$(GO) test -short ./...

race:
	$(GO) test -race -count=1 -timeout 20m ./...

# The side-by-side benchmark (BENCHMARKS.md): the floor (net/http + gofeed), gleaner's
# cold, warm and changed rounds over 1,000 loopback feeds, serving, and a database of
# 1,000,000 items; one table. A few minutes. BENCHFLAGS="-runs 1 -scale 0" is quicker.
BENCHFLAGS ?=
bench:
	$(GO) build -o bin/gleaner-bench ./cmd/gleaner-bench
	./bin/gleaner-bench $(BENCHFLAGS)

# The same figures measured from outside: gleaner fetch under /usr/bin/time, gleaner run
# under wrk, against bench/plain (net/http + gofeed). Needs wrk and GNU time.
bench-independent:
	bench/independent.sh

# The go test benchmarks of the pieces (Save, Normalize, Parse, Classify, Render, ...).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Installs the binary, the systemd unit (ExecStart= rewritten to BINDIR) and the
# example config, under DESTDIR for packaging. The unit goes to
# $(PREFIX)/lib/systemd/system, which systemd searches for /usr/local and /usr
# alike; the config is installed as $(SYSCONFDIR)/gleaner/gleaner.toml only when
# none is there, and always as $(DATADIR)/gleaner/gleaner.example.toml.
BINDIR     ?= $(PREFIX)/bin
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DATADIR    ?= $(PREFIX)/share
SYSCONFDIR ?= /etc

# Installs what make build built, without building: under sudo, go is often not on
# the PATH (secure_path), and a build would leave root-owned files in the tree.
install:
	@test -x $(BIN) || { echo "$(BIN) is missing: run make build first, as yourself" >&2; exit 1; }
	@newer=$$(find cmd aggregate publish store config internal go.mod go.sum -type f -newer $(BIN) -print -quit 2>/dev/null); \
	if [ -n "$$newer" ]; then echo "$(BIN) is older than $$newer: run make build first, as yourself" >&2; exit 1; fi
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/gleaner
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/gleaner|$(BINDIR)/gleaner|g' deploy/gleaner.service > $(DESTDIR)$(UNITDIR)/gleaner.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/gleaner.service
	install -D -m 0644 deploy/gleaner.example.toml $(DESTDIR)$(DATADIR)/gleaner/gleaner.example.toml
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/gleaner/gleaner.toml ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/gleaner/gleaner.toml"; \
	else \
		install -D -m 0644 deploy/gleaner.example.toml $(DESTDIR)$(SYSCONFDIR)/gleaner/gleaner.toml; \
	fi

clean:
	rm -rf bin
