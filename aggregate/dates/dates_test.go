package dates

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatalf("load Asia/Seoul: %v", err)
	}
	kst := time.FixedZone("KST", 9*3600)
	at := func(y int, mo time.Month, d, h, mi, s int, loc *time.Location) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, loc)
	}
	tests := []struct {
		in      string
		loc     *time.Location
		want    time.Time
		hasZone bool
	}{
		// RFC 822 / 1123 and their common variants.
		{"Tue, 03 Mar 2026 10:00:00 +0900", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 GMT", seoul, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"Tue, 3 Mar 2026 10:00 +0000", time.UTC, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"03 Mar 2026 10:00:00 -0500", time.UTC, at(2026, 3, 3, 15, 0, 0, time.UTC), true},
		{"Sat, 31 Dec 2005 13:47:03+0900", time.UTC, at(2005, 12, 31, 4, 47, 3, time.UTC), true},
		{"Sat, 31 Dec 2005 13:47:03 +09:00", time.UTC, at(2005, 12, 31, 4, 47, 3, time.UTC), true},
		{"Tuesday, 03 March 2026 10:00:00 +0900", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 26 10:00:00 +0900", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar. 2026 10:00:00 +0900", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		{"Tue, 03 Mar 2026", time.UTC, at(2026, 3, 3, 0, 0, 0, time.UTC), false},
		// Named zones: gofeed reads KST as UTC; here it is +09:00.
		{"Tue, 03 Mar 2026 10:00:00 KST", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 kst", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 EST", time.UTC, at(2026, 3, 3, 15, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 EDT", time.UTC, at(2026, 3, 3, 14, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 PST", time.UTC, at(2026, 3, 3, 18, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 UTC", seoul, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 UT", seoul, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 Z", seoul, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 GMT+9", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 GMT+09:00", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 +0900 (KST)", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue, 03 Mar 2026 10:00:00 -0700 MST", time.UTC, at(2026, 3, 3, 17, 0, 0, time.UTC), true},
		// RFC 3339 / ISO 8601.
		{"2026-03-03T10:00:00Z", seoul, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"2026-03-03T10:00:00+09:00", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"2026-03-03T10:00:00.123456789+09:00", time.UTC, time.Date(2026, 3, 3, 1, 0, 0, 123456789, time.UTC), true},
		{"2026-03-03T10:00:00.5Z", time.UTC, time.Date(2026, 3, 3, 10, 0, 0, 500000000, time.UTC), true},
		{"2026-03-03T10:00:00+0900", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"2026-03-03T10:00+09:00", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"2026-03-03T10:00:00", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		{"2026-03-03T10:00:00", time.UTC, at(2026, 3, 3, 10, 0, 0, time.UTC), false},
		{"2026-03-03", seoul, at(2026, 3, 3, 0, 0, 0, seoul), false},
		// Korean feeds' own forms, zone-less: in the source's zone.
		{"2026.03.03 10:00", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		{"2026.03.03 10:00", time.UTC, at(2026, 3, 3, 10, 0, 0, time.UTC), false},
		{"2026.3.3", seoul, at(2026, 3, 3, 0, 0, 0, seoul), false},
		{"2026. 3. 3. 오후 6:04:03", seoul, at(2026, 3, 3, 18, 4, 3, seoul), false},
		{"2026-03-03 10:00:00", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		{"2026-03-03 10:00:00 KST", time.UTC, at(2026, 3, 3, 10, 0, 0, kst), true},
		{"2026-03-03 10:00:00+09", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"2026/03/03", seoul, at(2026, 3, 3, 0, 0, 0, seoul), false},
		{"2026/03/03 10:00:00", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		{"2026년 3월 3일", seoul, at(2026, 3, 3, 0, 0, 0, seoul), false},
		{"2026년 03월 03일 10:00", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		{"2026년 01월 16일 (수)요일 14:00", seoul, at(2026, 1, 16, 14, 0, 0, seoul), false},
		{"2019년 01월 16일 (수)요일 14:00", seoul, at(2019, 1, 16, 14, 0, 0, seoul), false},
		{"2026년 3월 3일 화요일 오전 9:30", seoul, at(2026, 3, 3, 9, 30, 0, seoul), false},
		{"2026년 3월 3일 오후 6:04:03", seoul, at(2026, 3, 3, 18, 4, 3, seoul), false},
		{"2026년 3월 3일 오후 12:10", seoul, at(2026, 3, 3, 12, 10, 0, seoul), false},
		{"2026년 3월 3일 오전 12:10", seoul, at(2026, 3, 3, 0, 10, 0, seoul), false},
		{"2026년 3월 3일 14시 30분", seoul, at(2026, 3, 3, 14, 30, 0, seoul), false},
		{"2023-03-08 오후 6:04:03", seoul, at(2023, 3, 8, 18, 4, 3, seoul), false},
		{"2023-03-08 오전 6:04:03", seoul, at(2023, 3, 8, 6, 4, 3, seoul), false},
		{"2023-03-08 오후 6:04:03", time.UTC, at(2023, 3, 8, 18, 4, 3, time.UTC), false},
		// English long forms and ANSI C.
		{"March 3, 2026 6:04 PM", time.UTC, at(2026, 3, 3, 18, 4, 0, time.UTC), false},
		{"March 3, 2026, 6:04 p.m.", time.UTC, at(2026, 3, 3, 18, 4, 0, time.UTC), false},
		{"Mar 3rd, 2026", time.UTC, at(2026, 3, 3, 0, 0, 0, time.UTC), false},
		{"Tue Mar 3 10:00:00 KST 2026", time.UTC, at(2026, 3, 3, 1, 0, 0, time.UTC), true},
		{"Tue Mar  3 10:00:00 2026", seoul, at(2026, 3, 3, 10, 0, 0, seoul), false},
		// Edge values.
		{"Thu, 31 Dec 2015 23:59:60 +0000", time.UTC, at(2015, 12, 31, 23, 59, 59, time.UTC), true},
		{"  2026-03-03T10:00:00Z \n", time.UTC, at(2026, 3, 3, 10, 0, 0, time.UTC), true},
		{"2026-03-03 10:00", nil, at(2026, 3, 3, 10, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, hasZone, ok := Parse(tt.in, tt.loc)
			if tt.want.IsZero() {
				if ok {
					t.Fatalf("Parse(%q) = %v, ok; want not ok", tt.in, got)
				}
				return
			}
			if !ok {
				t.Fatalf("Parse(%q): not ok; want %v", tt.in, tt.want)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Parse(%q) = %v; want %v", tt.in, got, tt.want)
			}
			if hasZone != tt.hasZone {
				t.Errorf("Parse(%q) hasZone = %v; want %v", tt.in, hasZone, tt.hasZone)
			}
		})
	}
}

// TestParseZoneless shows the difference the source's zone makes: the same
// Korean string is nine hours apart read in Seoul and in UTC.
func TestParseZoneless(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatalf("load Asia/Seoul: %v", err)
	}
	for _, s := range []string{"2026.03.03 10:00", "2026-03-03 10:00:00", "2026년 3월 3일 오전 10:00"} {
		inSeoul, _, ok1 := Parse(s, seoul)
		inUTC, _, ok2 := Parse(s, time.UTC)
		inNil, _, ok3 := Parse(s, nil)
		if !ok1 || !ok2 || !ok3 {
			t.Fatalf("Parse(%q): not ok", s)
		}
		if d := inUTC.Sub(inSeoul); d != 9*time.Hour {
			t.Errorf("Parse(%q): UTC reading - Seoul reading = %v; want 9h", s, d)
		}
		if !inNil.Equal(inUTC) {
			t.Errorf("Parse(%q, nil) = %v; want UTC reading %v", s, inNil, inUTC)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{
		"", "   ", "garbage", "yesterday", "12:30", "오후 6:04", "2026", "2026-13-01", "2026-02-30",
		"0000-00-00 00:00:00", "0001-01-01T00:00:00Z", "31/02/2026", "03/04/2026",
		"2026-03-03 25:00", "2026-03-03 10:61", "2026-03-03 10:00 +2500", "2026-03-03 10:00 XYZ",
		"Tue, 03 Foo 2026 10:00:00 +0900", "2026년 3월", "2026-03-03 10:00 (unclosed",
		"2026-03-03T10:00:00+09:00:00", "2026-03-03 오후", "Tue, 03 Mar 2026 10:00:00 +9",
		"2026-03-03 1234567890123",
	} {
		if got, _, ok := Parse(s, time.UTC); ok {
			t.Errorf("Parse(%q) = %v, ok; want not ok", s, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Tue, 03 Mar 2026 10:00:00 KST", "2026년 01월 16일 (수)요일 14:00", "2023-03-08 오후 6:04:03", "2026-03-03T10:00:00.5Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, hasZone, ok := Parse(s, time.UTC)
		if !ok && (!got.IsZero() || hasZone) {
			t.Errorf("Parse(%q) = %v, %v, not ok; want zero values", s, got, hasZone)
		}
	})
}
