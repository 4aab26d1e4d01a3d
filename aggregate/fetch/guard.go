package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"syscall"
	"time"
)

// AddressPolicy says which addresses gleaner's HTTP client may connect to. The
// check runs in the dialer on the address actually dialled, after DNS
// resolution and on every connection (each redirect included), so that neither
// a redirect nor a DNS name that resolves to an inner address gets past it.
//
// Link-local addresses (169.254.0.0/16, fe80::/10, where clouds serve instance
// metadata and credentials), the known metadata addresses outside that range,
// unspecified, multicast and broadcast addresses are always refused: no feed
// lives there. DenyPrivate also refuses loopback, private (RFC 1918, fc00::/7)
// and shared (100.64.0.0/10) addresses, the other special-purpose ranges that
// are not globally reachable (benchmarking, documentation, reserved, IPv6
// site-local), and this host's own addresses, whatever their range (a service
// listening on all interfaces is reached through any of them); it is off by
// default because intranet feeds are common.
//
// Through a proxy (HTTP_PROXY, HTTPS_PROXY), the address dialled is the
// proxy's: the proxy resolves the feeds' names and must apply its own rules.
type AddressPolicy struct {
	DenyPrivate bool
}

// ErrDenied is what a refused connection's error wraps (errors.Is).
var ErrDenied = errors.New("fetch: address not allowed")

// DeniedError names the refused address and why it was refused.
type DeniedError struct {
	Addr   netip.Addr
	Reason string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("connection to %s refused: %s", e.Addr, e.Reason)
}

// Is makes errors.Is(err, ErrDenied) true.
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

// metadataAddrs are cloud metadata services outside the link-local range.
var metadataAddrs = map[netip.Addr]string{
	netip.MustParseAddr("fd00:ec2::254"):   "AWS instance metadata",
	netip.MustParseAddr("100.100.100.200"): "Alibaba Cloud instance metadata",
}

var (
	sharedSpace = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT, also VPN overlays
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	nat64       = netip.MustParsePrefix("64:ff9b::/96") // IPv4 addresses seen through NAT64
	v4compat    = netip.MustParsePrefix("::/96")        // deprecated IPv4-compatible IPv6 (::a.b.c.d)
	broadcast   = netip.MustParseAddr("255.255.255.255")
	// notGlobal are IANA's special-purpose ranges that are not globally
	// reachable, besides those netip's predicates name.
	notGlobal = []netip.Prefix{
		netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
		netip.MustParsePrefix("192.0.2.0/24"),    // documentation (TEST-NET-1)
		netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
		netip.MustParsePrefix("198.51.100.0/24"), // documentation (TEST-NET-2)
		netip.MustParsePrefix("203.0.113.0/24"),  // documentation (TEST-NET-3)
		netip.MustParsePrefix("240.0.0.0/4"),     // reserved
		netip.MustParsePrefix("100::/64"),        // discard-only
		netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
		netip.MustParsePrefix("2001:db8::/32"),   // documentation
		netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
	}
)

// ownAddrs are this host's interface addresses, read again after a minute
// (an address may come and go with DHCP or a VPN).
var ownAddrs = struct {
	sync.Mutex
	read  time.Time
	addrs map[netip.Addr]bool
	err   error
}{}

// interfaceAddrs is net.InterfaceAddrs; tests replace it.
var interfaceAddrs = net.InterfaceAddrs

// isOwnAddr reports whether addr is one of this host's, or why it cannot tell:
// reading the addresses needs a netlink socket on Linux, which a service
// sandbox may forbid (RestrictAddressFamilies without AF_NETLINK), and a check
// that cannot be made must refuse, not let every address of the host through.
func isOwnAddr(addr netip.Addr) (bool, error) {
	ownAddrs.Lock()
	defer ownAddrs.Unlock()
	if time.Since(ownAddrs.read) > time.Minute {
		ownAddrs.read, ownAddrs.addrs, ownAddrs.err = time.Now(), map[netip.Addr]bool{}, nil
		list, err := interfaceAddrs()
		if err != nil {
			ownAddrs.err = err
		}
		for _, a := range list {
			if p, err := netip.ParsePrefix(a.String()); err == nil {
				ownAddrs.addrs[p.Addr().Unmap()] = true
			}
		}
	}
	return ownAddrs.addrs[addr], ownAddrs.err
}

// Check returns a *DeniedError when the policy refuses addr, else nil.
func (p AddressPolicy) Check(addr netip.Addr) error {
	addr = addr.Unmap()
	if nat64.Contains(addr) || v4compat.Contains(addr) && addr.As16()[12] != 0 {
		// The IPv4 address inside: NAT64 (64:ff9b::a.b.c.d) and the deprecated
		// IPv4-compatible form (::a.b.c.d; ::, ::1 and the like are not one).
		b := addr.As16()
		addr = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	deny := func(reason string) error { return &DeniedError{Addr: addr, Reason: reason} }
	switch {
	case !addr.IsValid():
		return deny("not an IP address")
	case metadataAddrs[addr] != "":
		return deny("cloud metadata address (" + metadataAddrs[addr] + ")")
	case addr.IsLinkLocalUnicast():
		return deny("link-local address (cloud metadata lives there)")
	case addr.IsUnspecified(), thisNetwork.Contains(addr):
		return deny("unspecified address")
	case addr.IsMulticast(), addr.IsLinkLocalMulticast(), addr == broadcast:
		return deny("multicast or broadcast address")
	case !p.DenyPrivate:
		return nil
	case addr.IsLoopback():
		return deny("loopback address ([poll] deny_private = true)")
	case addr.IsPrivate(), sharedSpace.Contains(addr):
		return deny("private address ([poll] deny_private = true)")
	case slices.ContainsFunc(notGlobal, func(p netip.Prefix) bool { return p.Contains(addr) }):
		return deny("special-purpose address, not globally reachable ([poll] deny_private = true)")
	}
	switch own, err := isOwnAddr(addr); {
	case err != nil:
		return deny(fmt.Sprintf("this host's own addresses cannot be read to refuse them (%v); under systemd, allow AF_NETLINK in RestrictAddressFamilies ([poll] deny_private = true)", err))
	case own:
		return deny("an address of this host ([poll] deny_private = true)")
	}
	return nil
}

// control is a net.Dialer Control function applying p to the address dialled.
func (p AddressPolicy) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &DeniedError{Reason: fmt.Sprintf("unreadable address %q", address)}
	}
	return p.Check(ap.Addr())
}

// dialer returns a net.Dialer that refuses what p refuses.
func (p AddressPolicy) dialer(d net.Dialer) *net.Dialer {
	d.Control = p.control
	return &d
}
