package topic

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		keepCase       bool
	}{
		{"ascii case", "Artificial Intelligence ACT", "artificial intelligence act", false},
		{"full-width latin", "ＡＩ 기본법", "ai 기본법", false},
		{"full-width digits and parens", "Ｇ７（정상）", "g7(정상)", false},
		{"NFKC compatibility", "㈜카카오 ①", "(주)카카오 1", false},
		{"hangul compatibility letter folds", "ㆍAI", "ᆞai", false},
		{"whitespace collapses", "  AI \t\n  law\u00a0\u3000정부 ", "ai law 정부", false},
		{"hyphens and dashes are spaces", "AI-generated — export–controls", "ai generated export controls", false},
		{"typographic quotes", "‘AI’ “law” Biden’s", "'ai' \"law\" biden's", false},
		{"non-ascii upper case", "ÉTAT ÎLE", "état île", false},
		{"keep case", "US ＵＮ Fed", "US UN Fed", true},
		{"korean unchanged", "과기정통부는 초거대AI가", "과기정통부는 초거대ai가", false},
		{"ellipsis", "정부…AI", "정부...ai", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(normalize(nil, tc.in, tc.keepCase)); got != tc.want {
				t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestNormalizeFastPathIsNFKC checks that skipping NFKC for text that looks
// stable gives what NFKC first would.
func TestNormalizeFastPathIsNFKC(t *testing.T) {
	for _, s := range []string{
		"정부…AI 기본법", "a\u00a0b\u3000c", "‘AI’ “법”", "초거대AI가 ＡＩ", "ㆍAI·반도체", "Ａ…",
		"한국어 텍스트 — 그리고 English – text • → ·", "ﾊﾝｶｸ ｶﾅ", "가\u11a8", "①②",
	} {
		fast := string(normalize(nil, s, false))
		slow := string(normalize(nil, norm.NFKC.String(s), false))
		if fast != slow {
			t.Errorf("%q: %q, NFKC first gives %q", s, fast, slow)
		}
	}
}

// TestNormalizeOffsetsAgree guards the case-sensitive matcher's assumption.
func TestNormalizeOffsetsAgree(t *testing.T) {
	for _, s := range []string{"US and ＵＮ Ǆ ΣΑΣ İstanbul 정부 ß ẞ", "K (Kelvin) Å Ω"} {
		if a, b := normalize(nil, s, false), normalize(nil, s, true); len(a) != len(b) {
			t.Errorf("%q: lower %d bytes, kept %d bytes", s, len(a), len(b))
		}
	}
}

func TestDetectLang(t *testing.T) {
	for in, want := range map[string]string{
		"과기정통부, AI 기본법 시행령 입법예고":          "ko",
		"정부 AI GPU LLM API 지원":            "ko",
		"EU lawmakers approve the AI Act": "en",
		"":                                "en",
		"Samsung (삼성) unveils new AI chips for servers": "en",
	} {
		if got := DetectLang(in); got != want {
			t.Errorf("DetectLang(%q) = %s, want %s", in, got, want)
		}
	}
}

// probe compiles a profile with one "ai" group and one "actor" group and
// reports which terms hit in a title.
func probe(t *testing.T, ai []string, actor []string) func(string) []string {
	t.Helper()
	c, err := Compile(&Profile{
		Fields: Fields{Title: 1},
		Groups: []Group{
			{Name: "ai", Kind: "ai", Weight: 1, Terms: ai},
			{Name: "actor", Kind: "actor", Weight: 1, Terms: actor},
		},
		Rules: []Rule{{Name: "both", Need: []string{"ai", "actor"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return func(title string) []string {
		var got []string
		for _, r := range c.Classify(Doc{Title: title}).Reasons {
			if q := strings.Index(r, "\""); q >= 0 && strings.HasPrefix(r, "title: ") && !strings.Contains(r, " near ") {
				got = append(got, r[q+1:q+1+strings.Index(r[q+1:], "\"")])
			}
		}
		return got
	}
}

func TestWordBoundaries(t *testing.T) {
	hits := probe(t, []string{"AI", "chip", "regulat*", "policy", "G7", "U.S."}, []string{"정부"})
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"He said the plan will maintain jobs", nil},
		{"Thailand's tourism", nil},
		{"x.ai and mistral.ai and press@ai", nil},
		{".ai domains, (.ai) and \".ai\"", nil},
		{"밝혔다.AI 산업", []string{"AI"}},
		{"Samsung to make AI6 chips", []string{"chip"}},
		{"AI's rise; AIs and (AI) and 'AI'", []string{"AI"}},
		{"AI.", []string{"AI"}},
		{"ai.gov portal", nil},
		{"chips, chip's and chipset", []string{"chip"}},
		{"regulators regulate regulation", []string{"regulat*"}},
		{"policies and policy", []string{"policy"}},
		{"G7 leaders; G77 group", []string{"G7"}},
		{"U.S. curbs", []string{"U.S."}},
		{"초거대AI가 AI기반 美AI", []string{"AI"}},
		{"AI가 Ａｉ", []string{"AI"}},
	} {
		got := hits(tc.in)
		got = slices.Compact(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: hits %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKoreanParticlesAndSpacing(t *testing.T) {
	hits := probe(t, []string{"인공지능 기본법", "AI 반도체", "초거대AI"}, []string{"정부", "과기정통부"})
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"정부의 인공지능 기본법이", []string{"정부", "인공지능 기본법"}},
		{"과기정통부는 인공지능기본법을", []string{"과기정통부", "인공지능 기본법"}},
		{"AI반도체와 AI 반도체가", []string{"AI 반도체"}},
		{"초거대AI가 초거대 AI의", []string{"초거대AI"}},
		{"인공지능 기 본법", nil},
	} {
		got := slices.Compact(hits(tc.in))
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: hits %q, want %q", tc.in, got, want)
		}
	}
}

func TestSpaceVariants(t *testing.T) {
	got := spaceVariants("ai 기본법")
	want := []string{"ai 기본법", "ai기본법"}
	if !slices.Equal(got, want) {
		t.Errorf("spaceVariants: %q, want %q", got, want)
	}
	got = spaceVariants("ai기본법")
	if !slices.Equal(got, []string{"ai기본법", "ai 기본법"}) {
		t.Errorf("spaceVariants inserted: %q", got)
	}
	if got := spaceVariants("export controls"); !slices.Equal(got, []string{"export controls"}) {
		t.Errorf("latin spaces are not optional: %q", got)
	}
}

// compiledOnce compiles a profile once for the tests that only classify with
// it.
type compiledOnce struct {
	once    sync.Once
	profile func() *Profile
	c       *Classifier
	err     error
}

func (o *compiledOnce) get(t testing.TB) *Classifier {
	t.Helper()
	o.once.Do(func() { o.c, o.err = Compile(o.profile()) })
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.c
}

var (
	builtin = &compiledOnce{profile: Default}
	// rulesOnly is the built-in profile without its model: its rules decide.
	rulesOnly = &compiledOnce{profile: func() *Profile {
		p := Default()
		p.Model = nil
		return p
	}}
)

// sharedDefault is the built-in profile, compiled once.
func sharedDefault(t testing.TB) *Classifier { return builtin.get(t) }

// rulesDefault is the built-in profile's rules, compiled once.
func rulesDefault(t testing.TB) *Classifier { return rulesOnly.get(t) }

func classifyDefault(t *testing.T, title, summary string) Result {
	t.Helper()
	return sharedDefault(t).Classify(Doc{Title: title, Summary: summary})
}

func hasReason(r Result, sub string) bool {
	for _, s := range r.Reasons {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// decisionCases are items whose decision says something about a mechanism:
// masks, disambiguations, list discounts, field weights, look-alikes.
var decisionCases = []struct {
	name           string
	title, summary string
	match          bool
	reason         string // a reason the rules must give
}{
	{"seed", "\"글로벌 AI 산업 선도, 정부 지원에 달려있어\"", "초거대AI 산업 발전을 위한 'AI 최고위 전략대화'가 열렸다. 기업들은 \"정부가 지원을 더 확대해주길 바란다\"고 입을 모았다.", true, "rule: ai+actor"},
	{"strong phrase", "AI기본법 시행령 입법예고", "", true, `title: "AI 기본법" strong +8.0`},
	{"english strong", "EU lawmakers approve AI Act", "", true, "rule: strong phrase"},
	{"avian influenza", "고병원성 AI 확산…정부, 일시이동중지 명령", "농식품부는 조류인플루엔자 위기경보를 상향했다.", false, "dropped by avian-influenza"},
	{"airline code", "에어인디아 AI171편 추락…정부, 사고조사위 구성", "인도 정부는 Air India AI 171 편 사고 조사에 착수했다.", false, "dropped by air-india"},
	{"congress as a trade show", "AI Congress 2025 opens in London with 5,000 attendees", "The congress brought together vendors and buyers of enterprise AI.", false, "dropped by trade-show"},
	{"congress as a legislature", "Congress passes AI chip export bill", "The House voted for the measure after the Senate did.", true, "rule: ai+actor"},
	{"newsletter whose title story is business", "The Download: OpenAI's new model, and the EU AI Act", "This is today's edition of The Download, our weekday newsletter that provides a daily dose of what's going on in the world of technology.", false, `"AI Act" set aside: a newsletter's later story`},
	{"newsletter whose title story is policy", "The Download: the EU AI Act takes effect, and OpenAI's new model", "This is today's edition of The Download, our weekday newsletter that provides a daily dose of what's going on in the world of technology.", true, "rule: strong phrase"},
	{"ai without bird flu context", "정부, AI 확산 대책 발표", "과기정통부는 인공지능 산업 지원 방안을 내놨다.", true, "rule: ai+actor"},
	{"insurance policy", "AI insurance policy pricing", "Insurers use artificial intelligence to price each insurance policy.", false, `"policy" ignored inside "insurance policy"`},
	{"company-internal rules", "Samsung bans staff use of generative AI after leak", "Employees uploaded code to ChatGPT, so the company restricted such tools on company devices.", false, `"staff use" internal`},
	{"korean internal guideline", "SK텔레콤, 임직원 생성형 AI 사용 가이드라인 제정", "사내에서 챗GPT를 쓸 때 기밀을 입력하지 못하게 하는 내부 지침을 마련했다.", false, `"임직원" internal`},
	{"domain look-alike", "Mistral.ai opens an office in Singapore", "The company said the government of Singapore welcomed it.", false, "rule: none holds"},
	{"said/maintain/Thailand", "Thailand's government said it will maintain rules", "Officials said regulators maintain the law.", false, "ai 0"},
	{"list mention", "정부, 규제혁신 100대 과제 확정…드론·AI·바이오 포함", "국무조정실은 100개 규제 개선 과제를 확정했다.", false, "(list item x0.4)"},
	{"business", "Nvidia reports record revenue on AI chip demand", "Quarterly revenue rose 94%, beating estimates.", false, "business"},
	{"lead carries AI", "Ministers pledge funding for university supercomputers", "The science ministry said the money would give researchers compute for advanced AI.", true, "rule: ai+actor"},
	{"headline AI, lead policy", "AI chips face new hurdle", "The Commerce Department added export controls on advanced processors bound for China.", true, "export-control"},
	{"Bill the name", "Bill Gates says AI will transform schools", "Bill Ackman agreed at the conference.", false, "instrument 0"},
	{"scaling laws", "AI scaling laws are hitting a wall, researchers say", "Bigger models no longer bring the same gains.", false, "ignored inside \"scaling law\""},
	{"사건의 is not 건의", "AI 관련 사건의 판결 3건의 의미", "전문가들은 AI 기업 분쟁 사건의 쟁점을 짚었다.", false, "rule: none holds"},
	{"electric bill", "Why AI data centers raise your electric bill", "Utilities pass grid costs to households.", false, "ignored inside \"electric bill\""},
	{"의정부", "의정부시, 시민 AI 강좌 개설", "평생학습관은 인공지능 강좌를 운영한다.", false, "ignored inside \"의정부\""},
	{"승부처 is not 부처", "반도체 승부처는 AI", "업계는 인공지능 수요가 실적을 가를 것으로 본다.", false, "ignored inside \"승부처\""},
	{"AI outbreak in a quarantine list", "정부, 규제개혁 추진방향 확정", "신산업 규제를 푼다. 겨울철 AI 발생에 대비해 특별 방역도 한다.", false, "dropped by avian-influenza"},
	{"UN General Assembly", "General Assembly adopts first AI resolution", "Member states agreed on safe and trustworthy artificial intelligence.", true, "rule: ai+actor"},
	{"AX is AI", "행안부, 공공 AX 사업에 예산 배정", "지자체 민원 업무를 자동화한다.", true, `title: "AX" ai-case`},
	{"former minister", "Former minister joins AI startup board", "The ex-minister will advise the chatbot maker on its growth in Europe.", false, `"minister" ignored inside "former minister"`},
	{"전직 장관", "전직 장관, AI 기업 사외이사로", "장관을 지낸 인사가 인공지능 기업 이사회에 합류했다.", false, `"장관" ignored inside "전직 장관"`},
	{"crime sentencing", "Court jails deepfake fraudster", "The defendant used a cloned voice to steal $1 million.", false, `"defendant" crime`},
	{"penalty in a law is not a sentence", "딥페이크 성착취물 시청만 해도 징역 3년", "성폭력처벌법 개정안이 국회 본회의를 통과했다.", true, "rule: ai+actor"},
	{"list of phrases", "Cabinet approves deregulation package", "It covers building permits, farm subsidies, AI pilot projects and online pharmacies.", false, "(list item x0.4)"},
	{"prose joined by and is not a list", "Lawmakers pass AI promotion bill", "It backs research and development of artificial intelligence technologies and their use.", true, `summary: "artificial intelligence" ai +1.0`},
	{"clause is not a list", "AI basic act, passed in December, takes effect", "The science ministry will enforce it from January.", true, "rule: strong phrase"},
	{"SEC", "SEC charges two advisers over AI claims", "The firms misled clients about their use of artificial intelligence.", true, `title: "SEC" agency-acronyms`},
	{"Commerce", "Commerce widens AI chip licence rule", "Shipments of accelerators to more countries will need approval.", true, `title: "Commerce" agency-acronyms`},
	{"e-commerce", "AI shopping agents reshape E-Commerce", "Retailers add chatbots to their apps.", false, `ignored inside "e commerce"`},
}

// TestDecisions checks the built-in model, and the built-in rules that decide
// when a user's profile has no model, on items whose decision says something
// about a mechanism; the rules must also give the reason named.
func TestDecisions(t *testing.T) {
	for _, by := range []struct {
		name    string
		c       *Classifier
		reasons bool
	}{{"model", sharedDefault(t), false}, {"rules", rulesDefault(t), true}} {
		for _, tc := range decisionCases {
			t.Run(by.name+"/"+tc.name, func(t *testing.T) {
				r := by.c.Classify(Doc{Title: tc.title, Summary: tc.summary})
				if r.Match != tc.match {
					t.Errorf("Match = %v, want %v; reasons:\n  %s", r.Match, tc.match, strings.Join(r.Reasons, "\n  "))
				}
				if by.reasons && tc.reason != "" && !hasReason(r, tc.reason) {
					t.Errorf("no reason containing %q:\n  %s", tc.reason, strings.Join(r.Reasons, "\n  "))
				}
				if !r.Match && r.Facets != nil {
					t.Errorf("facets on a non-match: %v", r.Facets)
				}
			})
		}
	}
}

func TestFacets(t *testing.T) {
	for _, tc := range []struct {
		title, summary string
		want           []string
	}{
		{"US tightens export controls on AI chips to China", "The Commerce Department added Chinese firms to the entity list.", []string{"chips", "export-control"}},
		{"개인정보위, 생성형 AI 학습데이터 안내서 공개", "개인정보보호위원회는 공개된 개인정보를 AI 학습에 쓰는 기준을 내놨다.", []string{"privacy"}},
		{"Judge rules AI training on books was fair use", "A federal court said the copyright claims fail.", []string{"copyright", "court"}},
		{"정부, 국가AI컴퓨팅센터에 GPU 5만장 확보 예산", "과기정통부는 데이터센터 구축 예산을 편성했다.", []string{"compute", "funding", "regulation"}},
	} {
		r := classifyDefault(t, tc.title, tc.summary)
		if !r.Match {
			t.Errorf("%q: no match: %v", tc.title, r.Reasons)
			continue
		}
		if !slices.IsSorted(r.Facets) {
			t.Errorf("%q: facets not sorted: %v", tc.title, r.Facets)
		}
		for _, f := range tc.want {
			if !slices.Contains(r.Facets, f) {
				t.Errorf("%q: facets %v lack %q", tc.title, r.Facets, f)
			}
		}
	}
}

func TestFieldWeights(t *testing.T) {
	c := rulesDefault(t)
	inTitle := c.Classify(Doc{Title: "정부, AI 지원 확대"})
	inSummary := c.Classify(Doc{Summary: "정부, AI 지원 확대"})
	inContent := c.Classify(Doc{Content: "정부, AI 지원 확대"})
	if !(inTitle.Score > inSummary.Score && inSummary.Score > inContent.Score) {
		t.Errorf("scores title %v, summary %v, content %v: want decreasing", inTitle.Score, inSummary.Score, inContent.Score)
	}
	if !inTitle.Match || inContent.Match {
		t.Errorf("title match %v, content match %v", inTitle.Match, inContent.Match)
	}
	if r := c.Classify(Doc{}); r.Match || r.Score != 0 || len(r.Reasons) != 1 {
		t.Errorf("empty doc: %+v", r)
	}
}

// TestSameWordsCountOnce: "subsidies" is read by the term "subsidies" and by
// "subsidy" (whose plural it is); one word is one piece of evidence, in the
// rules and in the model alike.
func TestSameWordsCountOnce(t *testing.T) {
	for _, c := range []*Classifier{rulesDefault(t), sharedDefault(t)} {
		plural := c.Classify(Doc{Summary: "AI farm subsidies."})
		single := c.Classify(Doc{Summary: "AI farm subsidy."})
		if plural.Score != single.Score {
			t.Errorf("subsidies %.3f, subsidy %.3f: want the same score\n  %s\n  %s", plural.Score, single.Score,
				strings.Join(plural.Reasons, "\n  "), strings.Join(single.Reasons, "\n  "))
		}
	}
}

func TestProximity(t *testing.T) {
	c := rulesDefault(t)
	near := c.Classify(Doc{Summary: "The government said AI rules come next year."})
	far := c.Classify(Doc{Summary: "The government said the plan, which covers roads, rail, ports, housing and many other things besides, also touches AI."})
	if !hasReason(near, "proximity") || hasReason(far, "proximity") {
		t.Errorf("near %v\nfar %v", near.Reasons, far.Reasons)
	}
}

// TestWeakActorNoProximity: a name or place that only adds evidence
// ("China", "Trump") earns no proximity bonus; a government term does.
func TestWeakActorNoProximity(t *testing.T) {
	c := rulesDefault(t)
	classifyDefault := func(_ *testing.T, title, summary string) Result {
		return c.Classify(Doc{Title: title, Summary: summary})
	}
	weak := classifyDefault(t, "China AI start-ups raise record sums", "")
	if hasReason(weak, "proximity") {
		t.Errorf("proximity to a weak actor: %v", weak.Reasons)
	}
	strong := classifyDefault(t, "Government AI start-ups raise record sums", "")
	if !hasReason(strong, `"AI" near "government" proximity`) {
		t.Errorf("no proximity to a government term: %v", strong.Reasons)
	}
}

func TestClassifyConcurrent(t *testing.T) {
	c := sharedDefault(t)
	docs := []Doc{
		{Title: "과기정통부, AI 기본법 시행령 입법예고", Summary: "생성형 AI 표시 의무가 담겼다."},
		{Title: "OpenAI launches GPT-5", Summary: "The model is faster."},
		{Title: "US tightens AI chip export controls", Summary: "Commerce added firms to the entity list."},
	}
	want := make([]Result, len(docs))
	for i, d := range docs {
		want[i] = c.Classify(d)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 50; n++ {
				i := n % len(docs)
				if got := c.Classify(docs[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- docs[i].Title
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Classify differs for %q", e)
	}
}

func TestDefaultTOML(t *testing.T) {
	data := DefaultTOML()
	// It is what a user pastes: comments, then the [topic] table.
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line != "[topic]" {
			t.Fatalf("first non-comment line is %q, want [topic]", line)
		}
		break
	}
	if !bytes.Contains(data, []byte("[[topic.group]]")) || !bytes.Contains(data, []byte("[[topic.rule]]")) {
		t.Error("default profile lacks [[topic.group]] or [[topic.rule]] tables")
	}
	// Strict decoding accepts it.
	var f struct {
		Topic Profile `toml:"topic"`
	}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("strict decode: %v", err)
	}
	if _, err := Compile(&f.Topic); err != nil {
		t.Fatalf("compile: %v", err)
	}
	// And rejects an unknown key.
	bad := bytes.Replace(data, []byte("[topic.fields]\n"), []byte("[topic.fields]\nheadline = 3.0\n"), 1)
	if _, err := DecodeTOML(bad); err == nil {
		t.Error("strict decoding accepted an unknown key")
	}
	// DefaultTOML hands out a copy.
	data[0] = 'X'
	if DefaultTOML()[0] == 'X' {
		t.Error("DefaultTOML returns shared bytes")
	}
}

func TestMarshalTOMLRoundTrip(t *testing.T) {
	p := Default()
	out, err := p.MarshalTOML()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(out), []byte("[topic]")) {
		t.Errorf("MarshalTOML does not start with [topic]:\n%.200s", out)
	}
	back, err := DecodeTOML(out)
	if err != nil {
		t.Fatalf("decode MarshalTOML output: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, p) {
		t.Error("profile changed in a MarshalTOML/DecodeTOML round trip")
	}
}

func validProfile() *Profile {
	return &Profile{
		Fields: Fields{Title: 2, Summary: 1},
		Groups: []Group{
			{Name: "ai", Kind: "ai", Weight: 1, Terms: []string{"AI", "인공지능"}},
			{Name: "gov", Kind: "actor", Weight: 1.5, Terms: []string{"government", "정부"}},
		},
		Rules:        []Rule{{Name: "r", Need: []string{"ai", "actor"}, MinScore: 2}},
		Disambiguate: []Disambiguation{{Name: "flu", When: []string{"조류인플루엔자"}, Drop: []string{"AI"}}},
	}
}

func TestCompileErrors(t *testing.T) {
	if _, err := Compile(validProfile()); err != nil {
		t.Fatalf("valid profile: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(p *Profile)
		paths  []string
	}{
		{"empty term", func(p *Profile) { p.Groups[1].Terms = []string{"government", " ", "정부"} }, []string{"topic.group[1].terms[1]"}},
		{"star only", func(p *Profile) { p.Groups[0].Terms = append(p.Groups[0].Terms, "*") }, []string{"topic.group[0].terms[2]"}},
		{"star inside", func(p *Profile) { p.Groups[0].Terms = append(p.Groups[0].Terms, "a*i") }, []string{"topic.group[0].terms[2]"}},
		{"duplicate term", func(p *Profile) { p.Groups[0].Terms = append(p.Groups[0].Terms, "ａｉ") }, []string{"topic.group[0].terms[2]"}},
		{"duplicate group", func(p *Profile) { p.Groups[1].Name = "ai" }, []string{"topic.group[1].name"}},
		{"empty group name", func(p *Profile) { p.Groups[1].Name = "" }, []string{"topic.group[1].name"}},
		{"unknown kind", func(p *Profile) { p.Groups[1].Kind = "goverment" }, []string{"topic.group[1].kind"}},
		{"bad weight", func(p *Profile) { p.Groups[0].Weight = -1 }, []string{"topic.group[0].weight"}},
		{"negative needs negative weight", func(p *Profile) {
			p.Groups = append(p.Groups, Group{Name: "neg", Kind: "negative", Weight: 1, Terms: []string{"earnings"}})
		}, []string{"topic.group[2].weight"}},
		{"no terms", func(p *Profile) { p.Groups[0].Terms = nil }, []string{"topic.group[0].terms", "topic.disambiguate[0].drop[0]"}},
		{"bad facet", func(p *Profile) { p.Groups[0].Facet = "Export Control" }, []string{"topic.group[0].facet"}},
		{"bad field weight", func(p *Profile) { p.Fields.Title = -1 }, []string{"topic.fields.title"}},
		{"no field weight", func(p *Profile) { p.Fields = Fields{} }, []string{"topic.fields"}},
		{"unknown rule kind", func(p *Profile) { p.Rules[0].Need = []string{"ai", "goverment"} }, []string{"topic.rule[0].need[1]"}},
		{"kind without groups", func(p *Profile) { p.Rules[0].Need = []string{"strong"} }, []string{"topic.rule[0].need[0]"}},
		{"no rules", func(p *Profile) { p.Rules = nil }, []string{"topic.rule"}},
		{"duplicate rule", func(p *Profile) { p.Rules = append(p.Rules, p.Rules[0]) }, []string{"topic.rule[1].name"}},
		{"unknown drop term", func(p *Profile) { p.Disambiguate[0].Drop = []string{"AI", "A.I."} }, []string{"topic.disambiguate[0].drop[1]"}},
		{"empty context", func(p *Profile) { p.Disambiguate[0].When = []string{""} }, []string{"topic.disambiguate[0].when[0]"}},
		{"proximity kind", func(p *Profile) { p.Proximity = Proximity{Window: 10, Bonus: 1, With: []string{"actors"}} }, []string{"topic.proximity.with[0]"}},
		{"enumeration factor", func(p *Profile) { p.Enumeration = Enumeration{Kinds: []string{"ai"}, MinItems: 3, Factor: 2} }, []string{"topic.enumeration.factor"}},
		{"newsletter group", func(p *Profile) { p.Newsletter.Groups = []string{"roundups"} }, []string{"topic.newsletter.groups[0]"}},
		{"several at once", func(p *Profile) {
			p.Groups[0].Terms[1] = ""
			p.Rules[0].Name = ""
		}, []string{"topic.group[0].terms[1]", "topic.rule[0].name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validProfile()
			tc.mutate(p)
			_, err := Compile(p)
			if err == nil {
				t.Fatal("Compile accepted the profile")
			}
			var got []string
			var pe *ProfileError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ProfileError", err)
			}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					if errors.As(e, &pe) {
						got = append(got, pe.Path)
					}
				}
			} else {
				got = append(got, pe.Path)
			}
			if !slices.Equal(got, tc.paths) {
				t.Errorf("paths %q, want %q (error: %v)", got, tc.paths, err)
			}
		})
	}
	if _, err := Compile(nil); err == nil {
		t.Error("Compile(nil) accepted")
	}
}

func TestProfileErrorMessage(t *testing.T) {
	p := validProfile()
	p.Groups[1].Terms = []string{"government", "", "정부"}
	_, err := Compile(p)
	if err == nil || err.Error() != "topic.group[1].terms[1]: empty term" {
		t.Errorf("error %q", err)
	}
}

// benchDocs are typical items: a headline and a lead of about 300
// characters.
var benchDocs = map[string]Doc{
	"ko": {
		Title:   "과기정통부, 초거대AI 경쟁력 강화 위해 GPU 1만장 확보…AI 기본법 하위법령도 입법예고",
		Summary: "과학기술정보통신부는 국가AI컴퓨팅센터 구축과 독자 AI 파운데이션 모델 개발을 위해 올해 1조4600억원을 투입한다고 밝혔다. 업계는 정부의 고성능 컴퓨팅 지원사업 확대를 환영하면서도 인공지능 기본법의 고영향 AI 규제 조항은 시행을 유예해야 한다고 요구했다. 과기정통부는 하위법령 초안을 공개하고 다음 달까지 의견을 수렴한 뒤 규제 심사를 거쳐 확정할 계획이다. 스타트업 단체들은 과태료 조항의 계도기간을 충분히 둬야 한다며 국회와 정부에 제도 개선을 건의했다. 정부는 업계 의견을 반영해 연내 시행령을 확정한다.",
	},
	"en": {
		Title:   "US tightens export controls on advanced AI chips as lawmakers weigh new bill",
		Summary: "The Commerce Department said on Monday it would require licences for shipments of Nvidia and AMD accelerators to China and added dozens of firms to the entity list, while a bipartisan group of senators introduced legislation to track chips abroad. Industry groups said the rules could hurt US companies' sales of artificial intelligence hardware.",
	},
}

func BenchmarkClassify(b *testing.B) {
	c := mustDefault(b)
	for _, lang := range []string{"ko", "en"} {
		d := benchDocs[lang]
		b.Run(lang, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(d.Title) + len(d.Summary)))
			for b.Loop() {
				c.Classify(d)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

func BenchmarkCompileDefault(b *testing.B) {
	p := Default()
	for b.Loop() {
		if _, err := Compile(p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMatcherFindsEveryOccurrence checks the automaton against a plain
// search: every occurrence of every pattern in the evaluation sets' text,
// overlapping ones included, and nothing else.
func TestMatcherFindsEveryOccurrence(t *testing.T) {
	m := sharedDefault(t).matcher
	type occ struct{ pat, start int }
	var texts []string
	for _, set := range []string{"dev.jsonl", "holdout.jsonl"} {
		for _, it := range loadSet(t, set) {
			texts = append(texts, it.Title, it.Summary)
		}
	}
	texts = append(texts, "aiai ai 인공지능인공지능 AI 기본법AI기본법", "")
	for _, s := range texts {
		text := normalize(nil, s, false)
		want := map[occ]bool{}
		for pi, p := range m.pats {
			for from := 0; ; {
				i := bytes.Index(text[from:], []byte(p))
				if i < 0 {
					break
				}
				want[occ{pi, from + i}] = true
				from += i + 1
			}
		}
		got := map[occ]bool{}
		for _, mt := range m.ac.appendMatches(nil, text) {
			o := occ{int(mt.pat), int(mt.start)}
			if got[o] {
				t.Errorf("%q: pattern %q at %d reported twice", s, m.pats[o.pat], o.start)
			}
			got[o] = true
		}
		for o := range want {
			if !got[o] {
				t.Errorf("%q: pattern %q at %d not reported", s, m.pats[o.pat], o.start)
			}
		}
		for o := range got {
			if !want[o] {
				t.Errorf("%q: pattern %q at %d reported but absent", s, m.pats[o.pat], o.start)
			}
		}
	}
}

// TestAutomatonSmall checks the automaton on patterns that overlap, nest and
// share suffixes, in ASCII and Hangul, against a plain search.
func TestAutomatonSmall(t *testing.T) {
	pats := []string{"he", "she", "his", "hers", "e", "인공지능", "지능", "능", "ai", "aiai"}
	a := newAutomaton(pats)
	for _, text := range []string{"ushers", "shishers", "", "x", "인공지능지능형 aiaiai", "hehehe", "인공인공지능"} {
		var want []match
		for end := 1; end <= len(text); end++ {
			for p, pat := range pats {
				if strings.HasSuffix(text[:end], pat) {
					want = append(want, match{int32(p), int32(end - len(pat))})
				}
			}
		}
		got := a.appendMatches(nil, []byte(text))
		sortMatches := func(ms []match) {
			slices.SortFunc(ms, func(x, y match) int {
				if d := (x.start + int32(len(pats[x.pat]))) - (y.start + int32(len(pats[y.pat]))); d != 0 {
					return int(d)
				}
				return int(x.pat - y.pat)
			})
		}
		sortMatches(want)
		sortMatches(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
	if n := a.states(); n < 10 {
		t.Errorf("only %d states", n)
	}
}

// TestDetectLangMatchesRuneLoop checks DetectLang's ASCII shortcut against the
// plain loop over runes it replaced, on every byte and on random mixes.
func TestDetectLangMatchesRuneLoop(t *testing.T) {
	ref := func(text string) string {
		var hangul, letters int
		for _, r := range text {
			if unicode.IsLetter(r) {
				letters++
				if isHangul(r) {
					hangul++
				}
			}
		}
		if hangul > 0 && hangul*5 >= letters {
			return "ko"
		}
		return "en"
	}
	var inputs []string
	for c := range 256 {
		inputs = append(inputs, "가"+string([]byte{byte(c)})+strings.Repeat(string([]byte{byte(c)}), 4))
	}
	parts := []string{"a", "Z", "@", "[", "`", "{", "1", " ", "가", "힣", "ㄱ", "é", "Ω", "\xff", "\xe2\x82", "漢", "\x00"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(20) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		if got, want := DetectLang(in), ref(in); got != want {
			t.Fatalf("DetectLang(%q) = %s, the rune loop says %s", in, got, want)
		}
	}
}

// TestDisambiguationContextBesideAI: a profile's disambiguation whose context words stand
// in an item beside live AI terms and terms of the proximity kinds (here the built-in
// profile with one more rule, as a user might add) classifies without fault, and drops
// what it names.
func TestDisambiguationContextBesideAI(t *testing.T) {
	p := Default()
	p.Disambiguate = append(p.Disambiguate, Disambiguation{Name: "letter", When: []string{"open letter"}, Drop: []string{"call for"}})
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	res := c.Classify(Doc{
		Title:   "Ministry asks AI labs to pause AI experiments",
		Summary: "In an open letter, the ministry joined the call for AI labs to pause the development of AI systems, citing risks.",
	})
	dropped := false
	for _, r := range res.Reasons {
		switch {
		case strings.Contains(r, `"call for" dropped by letter`):
			dropped = true
		case strings.Contains(r, "call for"):
			t.Errorf("reason %q: the dropped term is still read", r)
		}
	}
	if !dropped {
		t.Errorf("no reason says the term was dropped: %v", res.Reasons)
	}
	if !res.Match {
		t.Errorf("a ministry's call to AI labs is not kept: %v", res.Reasons)
	}
}

// TestListItemsStepOverGlosses checks that a parenthetical gloss, as Korean news
// writes "인공지능(AI)", neither ends a list nor hides the list around the word
// it glosses; and that a parenthesis that is no gloss does not make a list.
func TestListItemsStepOverGlosses(t *testing.T) {
	for _, tc := range []struct {
		text, term string
		want       int
	}{
		{"인공지능(ai)·로봇·모빌리티 등 신산업", "인공지능", 4},
		{"인공지능(ai)·로봇·모빌리티 등 신산업", "ai", 4},
		{"로봇·인공지능(ai)·바이오 등", "ai", 4},
		{"드론·ai·바이오 포함", "ai", 3},
		{"정부가 인공지능(ai) 산업을 지원한다", "인공지능", 1},
		{"정부가 인공지능(ai) 산업을 지원한다", "ai", 1},
		{"ai (a very long parenthesis that runs on past any gloss)·x·y", "ai", 1},
	} {
		text := []byte(tc.text)
		start := strings.Index(tc.text, tc.term)
		got := listItems(text, start, start+len(tc.term), 3)
		if got != tc.want {
			t.Errorf("listItems(%q, %q) = %d, want %d", tc.text, tc.term, got, tc.want)
		}
	}
}
