//go:build unix

package store

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

var osSystem = system{access: syscall.Access, owner: pathOwner, self: selfOwner}

func pathOwner(path string) (owner, string) {
	fi, err := os.Stat(path)
	if err != nil {
		return owner{Name: "an unknown user", UID: -1}, "?"
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return owner{Name: "an unknown user", UID: -1}, fi.Mode().String()
	}
	return userOf(int(st.Uid)), fi.Mode().String()
}

func selfOwner() owner { return userOf(os.Geteuid()) }

// userOf names the user uid, "gleaner (uid 998)"; a user without a name (a
// systemd DynamicUser= seen from outside its unit) as "uid 61234".
func userOf(uid int) owner {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return owner{Name: fmt.Sprintf("%s (uid %d)", u.Username, uid), UID: uid}
	}
	return owner{Name: fmt.Sprintf("uid %d", uid), UID: uid}
}
