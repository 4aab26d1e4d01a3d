package main

import (
	"time"

	"github.com/gleaner/gleaner/config"
)

// Duration defines a duration flag as flag.FlagSet's does, but read as the
// config's durations are, so that a wrong value gets the config's message
// ("30d" is not a duration: the units are ns, us, ms, s, m and h (a day is
// "24h")) instead of the flag package's "parse error".
func (f *flags) Duration(name string, value time.Duration, usage string) *time.Duration {
	d := durationValue{&value}
	f.Var(d, name, usage)
	return d.d
}

type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	d, err := config.ParseDuration(s)
	if err != nil {
		return err
	}
	*v.d = d.D()
	return nil
}
