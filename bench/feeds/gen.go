// Package feeds generates the synthetic news feeds that gleaner's benchmark
// polls, and serves them on loopback with ETag validators.
//
// A Corpus is n outlets, each with one feed of 50 items: Korean and English
// (about half each), RSS 2.0, Atom and JSON Feed, UTF-8 and a few EUC-KR, some
// with only a lead per item and some with the whole article as HTML, sized
// between 30 and 150 KB like real news feeds. About one item in five reports an
// AI-policy event; each event is reported by several outlets in their own
// words, as real news is. Everything is derived from the outlet and item
// numbers with fixed seeds, so the same corpus comes out on every run; only the
// dates move with the base time.
//
// The package imports nothing of gleaner's, so any package's tests can use it.
package feeds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/korean"
)

// Format is a feed document format.
type Format int

// Feed formats.
const (
	RSS Format = iota
	Atom
	JSON
)

func (f Format) String() string { return [...]string{"rss", "atom", "json"}[f] }

// ItemsPerFeed is the number of items every feed lists.
const ItemsPerFeed = 50

// NewPerChange is the number of items a feed gains on each Advance.
const NewPerChange = 5

// maxShift bounds how often one feed can advance; item dates leave room for it.
const maxShift = 8

// reportsPerEvent is how many items report one AI-policy event on average:
// the number of events in an hour follows the number of items in it.
const reportsPerEvent = 5

// Outlet is one generated source: a news site with one feed.
type Outlet struct {
	Index    int
	Name     string
	Lang     string // "ko" or "en"
	Format   Format
	Charset  string        // "utf-8" or "euc-kr"
	Site     string        // the site's home page
	Interval time.Duration // time between its items
	Target   int           // approximate document size in bytes
	Full     bool          // items carry the whole article, not just a lead
	Timezone string        // IANA zone for dates written without one
	DateForm int           // which date format the feed writes
}

// Corpus is a deterministic set of outlets and their items.
type Corpus struct {
	base    time.Time
	outlets []Outlet
	// AI-policy events of hour h before base: hourEvents[h] of them,
	// numbered from hourFirst[h]; past the table, eventRate an hour.
	hourEvents, hourFirst []int
	eventRate             int
	farm                  bool // every AI-policy item reports one event (see NewFarm)
	perFeed               int  // items each feed lists (ItemsPerFeed unless NewSized)
}

// New returns a corpus of n outlets whose newest items (before any Advance)
// are dated shortly before base.
func New(n int, base time.Time) *Corpus {
	c := &Corpus{base: base.UTC().Truncate(time.Second), outlets: make([]Outlet, n), perFeed: ItemsPerFeed}
	for i := range n {
		c.outlets[i] = newOutlet(i)
	}
	// Count the items of each hour to give it events in proportion.
	last := ItemsPerFeed - 1 + maxShift*NewPerChange
	var items []int
	for _, o := range c.outlets {
		for k := 0; k <= last; k++ {
			h := int(time.Duration(last-k) * o.Interval / time.Hour)
			for len(items) <= h {
				items = append(items, 0)
			}
			items[h]++
		}
	}
	first := 0
	for _, n := range items {
		e := max(1, n/5/reportsPerEvent) // one item in five is about AI policy
		c.hourFirst = append(c.hourFirst, first)
		c.hourEvents = append(c.hourEvents, e)
		first += e
	}
	c.eventRate = max(1, first/max(1, len(items)))
	return c
}

// NewFarm returns a corpus of n outlets that all carry one story: every AI-policy
// item (about one in five, as in New) reports the same event, in its outlet's own
// words and language, and each outlet's items are one to three minutes apart, so
// that the reports of each language make one story of thousands of members. It is
// what a farm of feeds syndicating one big story looks like to gleaner.
func NewFarm(n int, base time.Time) *Corpus {
	c := New(n, base)
	c.farm = true
	for i := range c.outlets {
		c.outlets[i].Interval = time.Duration(1+i%3) * time.Minute
	}
	return c
}

// SetItemRate says how many items an hour ItemAt will be asked for, so that
// the AI-policy events keep about five reports each: beyond the hours the
// feeds list, events happen in proportion.
func (c *Corpus) SetItemRate(perHour int) {
	c.hourEvents, c.hourFirst = nil, nil
	c.eventRate = max(1, perHour/5/reportsPerEvent)
}

// Len is the number of outlets.
func (c *Corpus) Len() int { return len(c.outlets) }

// Outlet returns outlet i.
func (c *Corpus) Outlet(i int) Outlet { return c.outlets[i] }

func newOutlet(i int) Outlet {
	r := rand.New(rand.NewPCG(0x6c65616e6572, uint64(i)))
	o := Outlet{Index: i, Lang: "en", Charset: "utf-8", Timezone: "UTC"}
	if r.IntN(100) < 55 {
		o.Lang, o.Timezone = "ko", "Asia/Seoul"
	}
	switch p := r.IntN(100); {
	case p < 75:
		o.Format = RSS
	case p < 95:
		o.Format = Atom
	default:
		o.Format = JSON
	}
	if o.Lang == "ko" && o.Format == RSS && r.IntN(10) == 0 {
		o.Charset = "euc-kr"
	}
	o.Full = r.IntN(100) < 60
	u := r.Float64()
	o.Target = 30<<10 + int(120<<10*u*u) // 30-150 KB, mean about 70 KB
	o.Interval = time.Duration(10+r.IntN(110)) * time.Minute
	o.DateForm = r.IntN(3)
	if o.Lang == "ko" {
		o.Name = fmt.Sprintf("%s %s %d", pick(r, koOutlets), pick(r, koSections), i)
		o.Site = fmt.Sprintf("https://www.news%04d.example.kr/", i)
	} else {
		o.Name = fmt.Sprintf("%s %s %d", pick(r, enOutlets), pick(r, enSections), i)
		o.Site = fmt.Sprintf("https://news%04d.example.com/", i)
	}
	return o
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// Item is one generated item, before it is written in a feed format.
type Item struct {
	Seq       int // the item's number in its feed, increasing with time
	Title     string
	Link      string
	GUID      string
	Permalink bool   // GUID is the link
	Lead      string // plain text, 1-3 sentences
	Body      string // HTML of the article, starting with the lead
	Full      bool   // the feed carries Lead as the description and Body as the content; else Body as the description
	Author    string
	Category  string
	Published time.Time
	AIPolicy  bool // composed from an AI-policy event
}

// NewSized is New with feeds that list only their newest items (at most
// ItemsPerFeed): the same outlets and items, a shorter document each.
func NewSized(n, items int, base time.Time) *Corpus {
	c := New(n, base)
	c.perFeed = min(max(items, 1), ItemsPerFeed)
	return c
}

// PerFeed is the number of items every feed lists.
func (c *Corpus) PerFeed() int { return c.perFeed }

// Items returns the items feed i lists after shift Advances, newest first.
func (c *Corpus) Items(i, shift int) []Item {
	o := c.outlets[i]
	first := min(shift, maxShift) * NewPerChange
	out := make([]Item, 0, c.perFeed)
	for k := first + ItemsPerFeed - 1; k >= first+ItemsPerFeed-c.perFeed; k-- {
		out = append(out, c.item(o, k))
	}
	return out
}

// Item returns item k of feed i as its feed lists it (k counts from 0, oldest
// first).
func (c *Corpus) Item(i, k int) Item { return c.item(c.outlets[i], k) }

// ItemAt returns item k of feed i as if published at t: items are numbered
// from 0, oldest first, and any k gives an item, so that a database can be
// filled with a long history; the AI-policy events it reports are those of t.
func (c *Corpus) ItemAt(i, k int, t time.Time) Item {
	r := rand.New(rand.NewPCG(uint64(i)<<20|uint64(k), 0x67656e))
	return c.compose(r, c.outlets[i], k, t.UTC().Truncate(time.Second))
}

// item composes item k of outlet o as its feed lists it.
func (c *Corpus) item(o Outlet, k int) Item {
	r := rand.New(rand.NewPCG(uint64(o.Index)<<20|uint64(k), 0x67656e))
	last := ItemsPerFeed - 1 + maxShift*NewPerChange
	published := c.base.Add(-time.Duration(last-k) * o.Interval).Add(-time.Duration(r.IntN(300)) * time.Second)
	return c.compose(r, o, k, published)
}

func (c *Corpus) compose(r *rand.Rand, o Outlet, k int, published time.Time) Item {
	it := Item{Seq: k, Published: published}
	id := 100000 + o.Index*1000 + k
	var paras []string
	if o.Lang == "ko" {
		it.AIPolicy = r.IntN(5) == 0
		if it.AIPolicy {
			it.Title, paras = koEvent(r, c.eventAt(r, it.Published))
		} else {
			it.Title, paras = koOther(r)
		}
		it.Link = fmt.Sprintf("%snews/articleView.html?idxno=%d", o.Site, id)
		if r.IntN(3) == 0 {
			it.Link += "&utm_source=rss&utm_medium=feed"
		}
		it.Author, it.Category = pick(r, koReporters), pick(r, koSections)
	} else {
		it.AIPolicy = r.IntN(5) == 0
		if it.AIPolicy {
			it.Title, paras = enEvent(r, c.eventAt(r, it.Published))
		} else {
			it.Title, paras = enOther(r)
		}
		it.Link = fmt.Sprintf("%s%s/%s/%s-%d", o.Site, strings.ToLower(strings.Fields(pick(r, enSections))[0]),
			it.Published.Format("2006/01"), slug(it.Title), id)
		it.Author, it.Category = pick(r, enReporters), pick(r, enSections)
	}
	if o.Format == Atom {
		it.GUID = fmt.Sprintf("tag:%s,2026:%d", strings.TrimSuffix(strings.TrimPrefix(o.Site, "https://"), "/"), id)
	} else if r.IntN(2) == 0 {
		it.GUID, it.Permalink = it.Link, true
	} else {
		it.GUID = fmt.Sprintf("news%04d-%d", o.Index, id)
	}
	it.Lead = strings.Join(paras, " ")
	// Grow the article until the item has its share of the feed's size.
	budget := o.Target/ItemsPerFeed - 420 - len(it.Title) - len(it.Link) - len(it.GUID)
	if o.Full {
		budget -= len(it.Lead)
	}
	it.Body = c.body(r, o, it, paras, budget)
	it.Full = o.Full
	return it
}

// eventAt picks the AI-policy event an item published at t reports: one of
// those of the few hours before t, as news follows events.
func (c *Corpus) eventAt(r *rand.Rand, t time.Time) int {
	if c.farm {
		return 0
	}
	h := max(0, int(c.base.Sub(t)/time.Hour)+r.IntN(4))
	if h < len(c.hourEvents) {
		return c.hourFirst[h] + r.IntN(c.hourEvents[h])
	}
	// Past the table: numbered after it, eventRate an hour.
	return 1<<24 + h*c.eventRate + r.IntN(c.eventRate)
}

// body writes an article of about size bytes of HTML, starting with the lead.
func (c *Corpus) body(r *rand.Rand, o Outlet, it Item, lead []string, size int) string {
	var b strings.Builder
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, `<figure class="photo"><img src="%simages/%d.jpg" alt="%s" width="640" loading="lazy"><figcaption>%s</figcaption></figure>`,
			o.Site, it.Seq, xmlEscape(it.Title), xmlEscape(it.Title))
	}
	fmt.Fprintf(&b, `<p class="lead">%s</p>`, xmlEscape(strings.Join(lead, " ")))
	for n := 0; b.Len()+300 < size; n++ {
		b.WriteString(`<p style="margin:0 0 1em">`)
		for s := range 2 + r.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			sentence := xmlEscape(filler(r, o.Lang))
			switch r.IntN(8) {
			case 0:
				fmt.Fprintf(&b, `<a href="/news/articleView.html?idxno=%d" target="_blank">%s</a>`, 1000+r.IntN(90000), sentence)
			case 1:
				fmt.Fprintf(&b, `<strong>%s</strong>`, sentence)
			default:
				b.WriteString(sentence)
			}
		}
		b.WriteString("</p>")
		if n > 40 {
			break
		}
	}
	return b.String()
}

// filler composes one sentence of an article body.
func filler(r *rand.Rand, lang string) string {
	if lang == "ko" {
		switch r.IntN(4) {
		case 0:
			role := pick(r, koRoles)
			return fmt.Sprintf("%s %s%s%s %s%s %s %s에 대해 \"%s %s\"고 말했다.", pick(r, koOrg), pick(r, koSurnames), pick(r, koGiven), pick(r, koGiven),
				role, josa(role, "은", "는"), pick(r, koWhen), pick(r, koTopic), pick(r, koQuoteHead), pick(r, koQuote))
		case 1:
			m := pick(r, koMetric)
			return fmt.Sprintf("%s에 따르면 올해 %s%s %d%s으로 전년 대비 %d.%d%% %s했다.", pick(r, koOrg), m, josa(m, "은", "는"),
				10+r.IntN(9990), pick(r, koUnit), r.IntN(40), r.IntN(10), pick(r, []string{"증가", "감소"}))
		case 2:
			return fmt.Sprintf("%s 지역에서는 %d월 %d일부터 %s 관련 설명회가 %d차례 열릴 예정이다.", pick(r, koPlace), 1+r.IntN(12), 1+r.IntN(28), pick(r, koTopic), 2+r.IntN(9))
		}
		who := pick(r, koWho)
		return fmt.Sprintf("%s %s", pick(r, koFiller), fmt.Sprintf("%s%s %s에서 %d명이 참석한 가운데 의견을 밝혔다.", who, josa(who, "은", "는"), pick(r, koPlace), 20+r.IntN(480)))
	}
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %s, %s at %s, said %s that on %s: \"%s %s.\"", pick(r, enFirst), pick(r, enLast), pick(r, enRoles), pick(r, enOrg),
			pick(r, enWhen), pick(r, enTopic), pick(r, enQuoteHead), pick(r, enQuote))
	case 1:
		return fmt.Sprintf("According to %s, %s reached %d %s this year, %s %d.%d%% from a year earlier.", pick(r, enOrg), pick(r, enMetric),
			10+r.IntN(9990), pick(r, enUnit), pick(r, []string{"up", "down"}), r.IntN(40), r.IntN(10))
	case 2:
		return fmt.Sprintf("Briefings on %s are planned in %s from %s %d, with %d sessions in all.", pick(r, enTopic), pick(r, enPlace),
			time.Month(1+r.IntN(12)), 1+r.IntN(28), 2+r.IntN(9))
	}
	return fmt.Sprintf("%s %s, %s, spoke to %d people in %s.", pick(r, enFiller), pick(r, enWho), pick(r, enRoles), 20+r.IntN(480), pick(r, enPlace))
}

// koEvent composes a Korean report of AI-policy event e: the facts (who, what,
// how much, how many, who said it) come from e, the wording from r, so that
// reports of one event share their details and different events do not.
func koEvent(r *rand.Rand, e int) (string, []string) {
	er := rand.New(rand.NewPCG(uint64(e), 0x6b6f))
	actor, action := pick(er, koActors), pick(er, koActions)
	policy := pick(er, koDomains) + " " + pick(er, koInstruments)
	purpose, who, reaction := pick(er, koPurposes), pick(er, koStakeholders), pick(er, koReactions)
	day, month, won, tasks := 1+er.IntN(28), 1+er.IntN(12), 50+er.IntN(9950), 3+er.IntN(60)
	official := pick(er, koSurnames) + syllables(er, 2)
	role, place := pick(er, koRoles), pick(er, koPlace)
	// The project's name goes with the instrument: "'누리-7' 자율주행 실증 사업".
	policy = fmt.Sprintf("'%s-%d' %s", syllables(er, 2), 1+er.IntN(99), policy)
	detail := koCompany(er) + "·" + koCompany(er) + "·" + koCompany(er) + ", " + syllables(er, 2) + "·" + syllables(er, 2) + "·" + syllables(er, 2)
	var title string
	switch r.IntN(6) {
	case 0:
		title = fmt.Sprintf("%s, %s %s…%d억 원 투입", actor, policy, action, won)
	case 1:
		title = fmt.Sprintf("%s %d월 %s…%s %s \"%s\"", policy, month, action, official, role, purpose)
	case 2:
		title = fmt.Sprintf("%s \"%s %s\"", actor, policy, action)
	case 3:
		title = fmt.Sprintf("[종합] %d개 과제 담은 %s", tasks, policy)
	case 4:
		title = fmt.Sprintf("%s서 %s %s", place, policy, action)
	default:
		title = fmt.Sprintf("%s %s, %s %d억 원", actor, official, policy, won)
	}
	var paras []string
	switch r.IntN(4) {
	case 0:
		paras = append(paras, fmt.Sprintf("%s%s %d일 %s에서 %s%s %s했다.", actor, josa(actor, "은", "는"), day, place, policy, josa(policy, "을", "를"), action))
	case 1:
		paras = append(paras, fmt.Sprintf("%s %s%s %d억 원 규모로 %s됐다.", actor, policy, josa(policy, "이", "가"), won, action))
	case 2:
		paras = append(paras, fmt.Sprintf("%s %s%s %d개 과제의 %s%s %s.", official, role, josa(role, "이", "가"), tasks, policy, josa(policy, "을", "를"), pick(r, []string{"내놨다", "공개했다", "설명했다", "발표했다"})))
	default:
		paras = append(paras, fmt.Sprintf("%s·%d억 원·%d개 과제. %s %s 얘기다.", place, won, tasks, actor, policy))
	}
	paras = append(paras, detail+".")
	switch r.IntN(4) {
	case 0:
		paras = append(paras, fmt.Sprintf("%s %s%s \"%s\"고 강조했다.", official, role, josa(role, "은", "는"), purpose))
	case 1:
		paras = append(paras, fmt.Sprintf("%s%s 목표다.", purpose, josa(purpose, "이", "가")))
	case 2:
		paras = append(paras, fmt.Sprintf("%d월까지 %s 의견을 듣는다.", month, who))
	}
	if r.IntN(2) == 0 {
		paras = append(paras, fmt.Sprintf("\"%s\"(%s)", reaction, who))
	}
	return title, paras
}

func koOther(r *rand.Rand) (string, []string) {
	subject, pred := pick(r, koOtherSubjects), pick(r, koOtherPredicates)
	title := fmt.Sprintf("%s, %s", subject, pred)
	paras := []string{fmt.Sprintf("%s%s %d일 %s했다.", subject, josa(subject, "이", "가"), 1+r.IntN(28), pred)}
	for range r.IntN(3) {
		paras = append(paras, pick(r, koOtherLeads))
	}
	return title, paras
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

func enEvent(r *rand.Rand, e int) (string, []string) {
	er := rand.New(rand.NewPCG(uint64(e), 0x656e))
	actor, action := pick(er, enActors), pick(er, enActions)
	policy := pick(er, enInstruments) + " for " + pick(er, enDomains)
	purpose, who, reaction := pick(er, enPurposes), pick(er, enStakeholders), pick(er, enReactions)
	day, month, dollars, pages := pick(er, weekdays), time.Month(1+er.IntN(12)), 5+er.IntN(995), 12+er.IntN(300)
	official := pick(er, enFirst) + " " + strings.ToUpper(letters(er, 1)) + letters(er, 5)
	place := pick(er, enPlace)
	// The project's name goes with the instrument: "Kelado-7, rules for deepfakes".
	policy = fmt.Sprintf("%s%s-%d, %s", strings.ToUpper(letters(er, 1)), letters(er, 5), 1+er.IntN(99), policy)
	detail := enCompany(er) + ", " + enCompany(er) + ", " + enCompany(er) + "; " + enCompany(er) + ", " + enCompany(er) + ", " + enCompany(er)
	var title string
	switch r.IntN(5) {
	case 0:
		title = fmt.Sprintf("%s %s %s, with $%d million attached", actor, action, policy, dollars)
	case 1:
		title = fmt.Sprintf("%s %s %s", strings.TrimPrefix(actor, "The "), action, policy)
	case 2:
		title = fmt.Sprintf("%s on %s: %d pages, %s", official, policy, pages, month)
	case 3:
		title = fmt.Sprintf("In %s, %s %s %s", place, strings.TrimPrefix(actor, "The "), action, policy)
	default:
		title = fmt.Sprintf("$%d million for %s", dollars, policy)
	}
	var paras []string
	doc := pick(r, []string{"plan", "proposal", "package", "framework", "blueprint", "draft"})
	worth := pick(r, []string{"backed by", "worth", "costing", "with"})
	switch r.IntN(4) {
	case 0:
		paras = append(paras, fmt.Sprintf("%s on %s %s %s in %s.", actor, day, action, policy, place))
	case 1:
		paras = append(paras, fmt.Sprintf("%s %s a %s (%d pages, %s $%d million): %s.", official, pick(r, []string{"presented", "unveiled", "published", "released"}), doc, pages, worth, dollars, policy))
	case 2:
		paras = append(paras, fmt.Sprintf("%s %s %s, %s $%d million, officials in %s said.", actor, action, policy, worth, dollars, place))
	default:
		paras = append(paras, fmt.Sprintf("%s: %s's %d-page %s %s %s.", place, official, pages, doc, pick(r, []string{"covers", "targets", "is about", "concerns"}), policy))
	}
	paras = append(paras, detail+".")
	switch r.IntN(4) {
	case 0:
		paras = append(paras, fmt.Sprintf("%s wants to %s.", official, purpose))
	case 1:
		paras = append(paras, fmt.Sprintf("The goal: %s.", purpose))
	case 2:
		paras = append(paras, fmt.Sprintf("Comments from %s are due by %s.", who, month))
	}
	if r.IntN(2) == 0 {
		paras = append(paras, fmt.Sprintf("%s say %s.", strings.ToUpper(who[:1])+who[1:], reaction))
	}
	return title, paras
}

func enOther(r *rand.Rand) (string, []string) {
	subject, pred := pick(r, enOtherSubjects), pick(r, enOtherPredicates)
	title := subject + " " + pred
	paras := []string{fmt.Sprintf("%s %s, according to figures and statements released on %s.", subject, pred, pick(r, weekdays))}
	for range r.IntN(3) {
		paras = append(paras, pick(r, enOtherLeads))
	}
	return title, paras
}

// koCompany and enCompany make up the name of a company taking part.
func koCompany(r *rand.Rand) string { return syllables(r, 3) }

func enCompany(r *rand.Rand) string { return strings.ToUpper(letters(r, 1)) + letters(r, 4+r.IntN(4)) }

// syllables makes a Korean proper noun of n syllables, as names are: drawn from
// several hundred syllables, so that two made-up names rarely share a bigram.
func syllables(r *rand.Rand, n int) string {
	initials := []int{0, 2, 3, 5, 6, 7, 9, 11, 12, 14, 15, 16, 17, 18} // ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ
	medials := []int{0, 2, 4, 6, 8, 12, 13, 17, 18, 20}                // ㅏㅑㅓㅕㅗㅛㅜㅠㅡㅣ
	finals := []int{0, 0, 0, 4, 8, 16, 21}                             // none, ㄴ, ㄹ, ㅁ, ㅇ
	var b strings.Builder
	for range n {
		b.WriteRune(rune(0xAC00 + (initials[r.IntN(len(initials))]*21+medials[r.IntN(len(medials))])*28 + finals[r.IntN(len(finals))]))
	}
	return b.String()
}

// letters makes a pronounceable Latin word of n letters.
func letters(r *rand.Rand, n int) string {
	const consonants, vowels = "bcdfghklmnprstvz", "aeiou"
	b := make([]byte, n)
	for i := range b {
		if i%2 == 0 {
			b[i] = consonants[r.IntN(len(consonants))]
		} else {
			b[i] = vowels[r.IntN(len(vowels))]
		}
	}
	return string(b)
}

// josa picks the Korean particle form that agrees with the last syllable of w:
// withFinal after a final consonant, else without.
func josa(w, withFinal, without string) string {
	last, _ := utf8.DecodeLastRuneInString(w)
	if last >= 0xAC00 && last <= 0xD7A3 && (last-0xAC00)%28 != 0 {
		return withFinal
	}
	return without
}

func slug(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(strings.ToLower(s)) {
		w = strings.Trim(w, ",.:'\"")
		if w == "" || b.Len() > 50 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	return b.String()
}

var xmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func xmlEscape(s string) string { return xmlReplacer.Replace(s) }

// describe is the feed's own description.
func (o Outlet) describe() string {
	if o.Lang == "ko" {
		return o.Name + "의 최신 기사"
	}
	return "Latest news from " + o.Name
}

var kst = time.FixedZone("KST", 9*3600)

// date writes t as the outlet's feed does: RFC 1123 with a numeric zone, with
// the zone name KST (which gofeed reads as UTC), or a bare local time.
func (o Outlet) date(t time.Time) string {
	if o.Format != RSS {
		return t.UTC().Format(time.RFC3339)
	}
	if o.Lang != "ko" {
		return t.UTC().Format(time.RFC1123Z)
	}
	switch o.DateForm {
	case 0:
		return t.In(kst).Format(time.RFC1123Z)
	case 1:
		return t.In(kst).Format("Mon, 02 Jan 2006 15:04:05 MST")
	default:
		return t.In(kst).Format("2006-01-02 15:04:05")
	}
}

// Render writes feed i after shift Advances, with its Content-Type.
func (c *Corpus) Render(i, shift int) (body []byte, contentType string) {
	o := c.outlets[i]
	items := c.Items(i, shift)
	var b bytes.Buffer
	b.Grow(o.Target + 4096)
	switch o.Format {
	case RSS:
		contentType = "application/rss+xml; charset=" + o.Charset
		renderRSS(&b, o, items)
	case Atom:
		contentType = "application/atom+xml; charset=utf-8"
		renderAtom(&b, o, items)
	default:
		contentType = "application/feed+json"
		renderJSON(&b, o, items)
	}
	if o.Charset == "euc-kr" {
		enc, err := encoding.HTMLEscapeUnsupported(korean.EUCKR.NewEncoder()).Bytes(b.Bytes())
		if err == nil {
			return enc, contentType
		}
		// Not reached with the phrase lists; fall back to saying what it is.
		return bytes.Replace(b.Bytes(), []byte(`encoding="euc-kr"`), []byte(`encoding="utf-8"`), 1), "application/rss+xml; charset=utf-8"
	}
	return b.Bytes(), contentType
}

func renderRSS(b *bytes.Buffer, o Outlet, items []Item) {
	fmt.Fprintf(b, `<?xml version="1.0" encoding="%s"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>%s</title>
<link>%s</link>
<description>%s</description>
<language>%s</language>
<lastBuildDate>%s</lastBuildDate>
<ttl>10</ttl>
`, o.Charset, xmlEscape(o.Name), o.Site, xmlEscape(o.describe()), o.Lang, o.date(items[0].Published))
	for _, it := range items {
		fmt.Fprintf(b, "<item>\n<title><![CDATA[%s]]></title>\n<link>%s</link>\n", it.Title, xmlEscape(it.Link))
		if it.Permalink {
			fmt.Fprintf(b, "<guid isPermaLink=\"true\">%s</guid>\n", xmlEscape(it.GUID))
		} else {
			fmt.Fprintf(b, "<guid isPermaLink=\"false\">%s</guid>\n", xmlEscape(it.GUID))
		}
		if it.Full {
			fmt.Fprintf(b, "<description><![CDATA[<p>%s</p>]]></description>\n<content:encoded><![CDATA[%s]]></content:encoded>\n", xmlEscape(it.Lead), it.Body)
		} else {
			fmt.Fprintf(b, "<description><![CDATA[%s]]></description>\n", it.Body)
		}
		fmt.Fprintf(b, "<dc:creator>%s</dc:creator>\n<category>%s</category>\n<pubDate>%s</pubDate>\n</item>\n",
			xmlEscape(it.Author), xmlEscape(it.Category), o.date(it.Published))
	}
	b.WriteString("</channel>\n</rss>\n")
}

func renderAtom(b *bytes.Buffer, o Outlet, items []Item) {
	host := strings.TrimSuffix(strings.TrimPrefix(o.Site, "https://"), "/")
	fmt.Fprintf(b, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="%s">
<title>%s</title>
<id>tag:%s,2026:feed</id>
<link rel="alternate" href="%s"/>
<updated>%s</updated>
<author><name>%s</name></author>
`, o.Lang, xmlEscape(o.Name), host, o.Site, o.date(items[0].Published), xmlEscape(o.Name))
	for _, it := range items {
		fmt.Fprintf(b, "<entry>\n<title>%s</title>\n<id>%s</id>\n<link rel=\"alternate\" href=\"%s\"/>\n<published>%s</published>\n<updated>%s</updated>\n<author><name>%s</name></author>\n<category term=\"%s\"/>\n",
			xmlEscape(it.Title), xmlEscape(it.GUID), xmlEscape(it.Link), o.date(it.Published), o.date(it.Published), xmlEscape(it.Author), xmlEscape(it.Category))
		if it.Full {
			fmt.Fprintf(b, "<summary>%s</summary>\n<content type=\"html\">%s</content>\n", xmlEscape(it.Lead), xmlEscape(it.Body))
		} else {
			fmt.Fprintf(b, "<summary type=\"html\">%s</summary>\n", xmlEscape(it.Body))
		}
		b.WriteString("</entry>\n")
	}
	b.WriteString("</feed>\n")
}

type jsonFeed struct {
	Version string     `json:"version"`
	Title   string     `json:"title"`
	Home    string     `json:"home_page_url"`
	Lang    string     `json:"language"`
	Items   []jsonItem `json:"items"`
}

type jsonItem struct {
	ID        string       `json:"id"`
	URL       string       `json:"url"`
	Title     string       `json:"title"`
	Summary   string       `json:"summary,omitempty"`
	HTML      string       `json:"content_html"`
	Published string       `json:"date_published"`
	Authors   []jsonAuthor `json:"authors"`
	Tags      []string     `json:"tags"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

func renderJSON(b *bytes.Buffer, o Outlet, items []Item) {
	f := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: o.Name, Home: o.Site, Lang: o.Lang}
	for _, it := range items {
		summary := ""
		if it.Full {
			summary = it.Lead
		}
		f.Items = append(f.Items, jsonItem{ID: it.GUID, URL: it.Link, Title: it.Title, Summary: summary, HTML: it.Body,
			Published: o.date(it.Published), Authors: []jsonAuthor{{it.Author}}, Tags: []string{it.Category}})
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(f) // only strings: cannot fail
}
