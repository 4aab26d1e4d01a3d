package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestLinkLocalAndMetadataAreAlwaysRefused polls addresses where clouds serve
// instance metadata, directly, in other spellings and behind a redirect from a
// feed that is allowed: every one is refused in the dialer, before a packet is
// sent, whatever the policy.
func TestLinkLocalAndMetadataAreAlwaysRefused(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		w.Write([]byte(sampleRSS))
	}))
	t.Cleanup(srv.Close)
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	targets := []string{
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"http://169.254.170.2/v2/credentials",
		"http://[fe80::1]/",
		"http://[::ffff:169.254.169.254]/",
		"http://[::ffff:a9fe:a9fe]/",
		"http://[64:ff9b::a9fe:a9fe]/",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://100.100.100.200/latest/meta-data/",
		"http://0.0.0.0:" + port + "/", // reaches the local host on Linux
		"http://[::]:" + port + "/",
	}
	c := New(nil, Options{Timeout: 3 * time.Second})
	for _, target := range targets {
		for name, u := range map[string]string{
			"direct":   target,
			"redirect": srv.URL + "/feed?to=" + url.QueryEscape(target),
		} {
			t.Run(name+" "+target, func(t *testing.T) {
				_, err := c.Fetch(context.Background(), Request{URL: u})
				var fe *Error
				if !errors.As(err, &fe) || string(fe.Kind) != "denied" {
					t.Fatalf("err = %v; want a refusal of kind denied", err)
				}
				if !strings.Contains(err.Error(), "refused") {
					t.Errorf("err %q does not say the address was refused", err)
				}
			})
		}
	}
	before := hits.Load()
	if _, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/feed"}); err != nil {
		t.Fatalf("a loopback feed with the default policy: %v", err)
	}
	if hits.Load() != before+1 {
		t.Errorf("the allowed feed was not requested")
	}
}

// TestDenyPrivate refuses loopback and private addresses, by IP and by a name
// that resolves to one, and lets the same server be polled without it.
func TestDenyPrivate(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(sampleRSS))
	}))
	t.Cleanup(srv.Close)
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	strict := New(NewHTTPClient(3*time.Second, AddressPolicy{DenyPrivate: true}), Options{Timeout: 3 * time.Second})
	for _, u := range []string{srv.URL + "/feed", "http://localhost:" + port + "/feed", "http://10.0.0.1/", "http://192.168.1.1/",
		"http://172.16.0.1/", "http://100.64.0.1/", "http://[fc00::1]/", "http://[::1]:" + port + "/"} {
		_, err := strict.Fetch(context.Background(), Request{URL: u})
		var fe *Error
		if !errors.As(err, &fe) || fe.Kind != KindDenied || !errors.Is(err, ErrDenied) {
			t.Errorf("%s: err = %v; want %s", u, err, KindDenied)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server got %d requests through a client that refuses private addresses", n)
	}
	open := New(NewHTTPClient(3*time.Second, AddressPolicy{}), Options{Timeout: 3 * time.Second})
	if _, err := open.Fetch(context.Background(), Request{URL: "http://localhost:" + port + "/feed"}); err != nil {
		t.Errorf("default policy: %v", err)
	}
}

// TestDenyPrivateCoversSpecialRangesAndOwnAddresses: with deny_private, the
// special-purpose ranges that are not globally reachable and every address of
// this host are refused too (a service listening on all interfaces is reached
// through the host's public address as well); the IPv4-compatible spelling of a
// metadata address is refused whatever the policy; public addresses pass.
func TestDenyPrivateCoversSpecialRangesAndOwnAddresses(t *testing.T) {
	strict, open := AddressPolicy{DenyPrivate: true}, AddressPolicy{}
	for _, a := range []string{"198.18.0.1", "192.0.0.8", "192.0.2.2", "198.51.100.7", "203.0.113.9", "240.0.0.1",
		"100::1", "64:ff9b:1::1", "2001:db8::1", "fec0::1"} {
		if err := strict.Check(netip.MustParseAddr(a)); !errors.Is(err, ErrDenied) {
			t.Errorf("deny_private, %s: %v, want refused", a, err)
		}
		if err := open.Check(netip.MustParseAddr(a)); err != nil {
			t.Errorf("default policy, %s: %v, want allowed (intranets use odd ranges)", a, err)
		}
	}
	if err := open.Check(netip.MustParseAddr("::a9fe:a9fe")); !errors.Is(err, ErrDenied) {
		t.Errorf("::169.254.169.254: %v, want refused as link-local", err)
	}
	for _, a := range []string{"8.8.8.8", "2606:4700:4700::1111"} {
		if err := strict.Check(netip.MustParseAddr(a)); err != nil {
			t.Errorf("deny_private, public %s: %v", a, err)
		}
	}
	list, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip("no interface addresses:", err)
	}
	own := 0
	for _, ia := range list {
		p, err := netip.ParsePrefix(ia.String())
		if err != nil {
			continue
		}
		own++
		if err := strict.Check(p.Addr()); !errors.Is(err, ErrDenied) {
			t.Errorf("deny_private, this host's %s: %v, want refused", p.Addr(), err)
		}
	}
	if own == 0 {
		t.Skip("this host lists no interface address")
	}
}

// TestDenyPrivateRefusesWhenOwnAddressesAreUnknown: a sandbox that forbids the
// netlink socket Linux needs to list the host's addresses (systemd's
// RestrictAddressFamilies without AF_NETLINK) made the check let every address
// of the host through; with deny_private it now refuses, and says why.
func TestDenyPrivateRefusesWhenOwnAddressesAreUnknown(t *testing.T) {
	restore := interfaceAddrs
	t.Cleanup(func() {
		interfaceAddrs = restore
		ownAddrs.Lock()
		ownAddrs.read = time.Time{}
		ownAddrs.Unlock()
	})
	interfaceAddrs = func() ([]net.Addr, error) {
		return nil, errors.New("netlinkrib: address family not supported by protocol")
	}
	ownAddrs.Lock()
	ownAddrs.read = time.Time{}
	ownAddrs.Unlock()
	err := AddressPolicy{DenyPrivate: true}.Check(netip.MustParseAddr("8.8.8.8"))
	if !errors.Is(err, ErrDenied) || !strings.Contains(err.Error(), "AF_NETLINK") {
		t.Errorf("deny_private without the host's addresses: %v, want refused, naming AF_NETLINK", err)
	}
	if err := (AddressPolicy{}).Check(netip.MustParseAddr("8.8.8.8")); err != nil {
		t.Errorf("default policy: %v, want allowed (it does not ask for the host's addresses)", err)
	}
}
