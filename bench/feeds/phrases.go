package feeds

// Phrase lists the generator composes headlines and leads from. AI-policy
// events are shared by every outlet (several outlets report one event, as
// they do in real news), the rest is everyday news, including AI news that
// is not about policy (product launches, earnings), which the topic filter
// should leave out.

// koActors are Korean and foreign public bodies, as Korean news names them.
var koActors = []string{
	"과기정통부", "개인정보위", "방통위", "공정위", "금융위", "산업부", "행안부", "과방위", "대통령실", "국조실",
	"서울시", "경기도", "문체부", "교육부", "고용부", "EU 집행위", "美 상무부", "日 정부", "英 정부", "中 인터넷판공실",
}

// koPolicies are AI-policy instruments: what the actor acts on.
var koPolicies = []string{
	"인공지능 기본법 시행령", "생성형 AI 가이드라인", "AI 반도체 수출 규제", "딥페이크 성범죄 처벌 강화 법안",
	"AI 데이터센터 지원 예산", "고영향 AI 사업자 의무", "AI 저작권 제도 개선안", "공공부문 AI 도입 지침",
	"AI 안전연구소 설립 계획", "개인정보 AI 학습 기준", "AI 기본계획", "초거대 AI 육성 전략",
	"AI 교과서 도입 방안", "AI 채용 공정성 기준", "AI 영향평가 제도", "국가 AI 컴퓨팅 센터 구축 사업",
}

// koActions are what a public body does with an instrument.
var koActions = []string{
	"입법예고", "발표", "의결", "확정", "공개", "추진", "시행", "검토 착수", "공청회 개최", "개정 추진",
}

var koPurposes = []string{
	"인공지능 산업 경쟁력 강화", "이용자 보호와 신뢰 확보", "AI 안전성 검증 체계 마련",
	"국내 AI 기업의 해외 진출 지원", "개인정보 침해 예방", "규제 불확실성 해소",
	"지방 중소기업의 기술 도입 촉진", "공공서비스 품질 개선", "청년 일자리 창출", "의료 현장 부담 완화",
	"저작권자 권리 보장", "선거 공정성 확보", "반도체 공급망 안정", "교육 격차 해소", "데이터 주권 강화", "전력 수요 관리",
}

var koStakeholders = []string{
	"업계와 학계", "시민단체", "관계 부처", "스타트업 업계", "전문가 자문단", "지방자치단체",
}

var koReactions = []string{
	"규제가 지나치게 모호하다", "산업 육성에 실질적인 도움이 될 것", "시행 시기가 너무 이르다",
	"글로벌 기준에 맞춘 조치로 평가된다", "중소기업 부담이 커질 수 있다", "이용자 보호 장치가 부족하다",
	"예산이 턱없이 모자란다", "현장 의견이 빠졌다", "해외 빅테크만 유리해진다", "늦었지만 환영한다",
	"세부 기준부터 내놔야 한다", "스타트업엔 숨통이 트일 것",
}

// koOther are headlines of everyday news: subject and predicate are combined.
var koOtherSubjects = []string{
	"코스피", "원·달러 환율", "서울 아파트값", "한국은행", "삼성전자", "현대차", "SK하이닉스", "네이버",
	"카카오", "LG에너지솔루션", "프로야구 LG 트윈스", "축구 국가대표팀", "기상청", "서울 지하철",
	"부산국제영화제", "KTX", "전국 주유소 휘발유 가격", "수출", "소비자물가", "청년 고용률",
}

var koOtherPredicates = []string{
	"사흘 만에 반등", "역대 최고치 경신", "하락세 지속", "3분기 실적 발표", "신제품 공개",
	"주말 강추위 예고", "운행 시간 연장", "관객 100만 돌파", "개막전 승리", "전년 대비 5.2% 증가",
	"외국인 순매수 확대", "AI 스마트폰 신제품 출시", "AI 번역 서비스 출시", "생성형 AI 검색 기능 공개",
	"연말 특별 할인 행사", "노사 임금협상 타결", "2년 연속 흑자 달성",
}

var koOtherLeads = []string{
	"업계에 따르면 이번 결과는 시장 예상을 웃도는 수준이다.",
	"관계자는 당분간 이 같은 흐름이 이어질 것으로 내다봤다.",
	"전문가들은 대외 변수에 따라 변동성이 커질 수 있다고 분석했다.",
	"시민들은 대체로 긍정적인 반응을 보였다.",
	"회사 측은 내년 상반기 중 후속 제품을 선보일 계획이라고 밝혔다.",
	"주말에는 전국 대부분 지역에 비 또는 눈이 내릴 전망이다.",
	"증권가에서는 목표주가를 잇따라 상향 조정했다.",
	"이번 행사는 이달 말까지 전국 매장에서 진행된다.",
}

var koFiller = []string{
	"이에 앞서 관련 업계는 여러 차례 간담회를 열고 의견을 전달한 바 있다.",
	"자세한 내용은 추후 공개될 예정이다.",
	"한편 이날 현장에는 관계자 200여 명이 참석해 높은 관심을 보였다.",
	"전문가들은 중장기적인 관점에서 접근해야 한다고 조언했다.",
	"이번 발표는 지난해 말 공개된 계획의 후속 조치다.",
	"업계 관계자는 구체적인 세부 기준이 나와야 대응 방안을 마련할 수 있다고 말했다.",
	"해외 주요국도 비슷한 움직임을 보이고 있어 귀추가 주목된다.",
	"관련 예산은 내년도 정부 예산안에 반영될 예정이다.",
}

var koReporters = []string{"김민준 기자", "이서연 기자", "박지훈 기자", "최수아 기자", "정우진 기자", "강하은 기자"}

var koOutlets = []string{
	"한빛일보", "새누리경제", "디지털타임스코리아", "테크데일리", "정책브리핑뉴스", "아시아경제신문",
	"서울파이낸스", "전자신문코리아", "IT조선일보", "매일정책뉴스", "뉴스토마토플러스", "한국정책신문",
}

var koSections = []string{"전체기사", "IT·과학", "경제", "정치", "사회", "산업", "국제", "문화"}

// enActors are public bodies as English news names them.
var enActors = []string{
	"The European Commission", "The US Commerce Department", "The Federal Trade Commission",
	"The UK government", "Congress", "The Senate Commerce Committee", "California lawmakers",
	"Japan's government", "South Korea's science ministry", "The White House", "The Cyberspace Administration of China",
	"Canada's parliament", "The Italian data protection authority", "The OECD", "India's IT ministry",
}

var enPolicies = []string{
	"rules for general-purpose AI models", "export controls on AI chips", "a bill on deepfake election ads",
	"a code of practice for the AI Act", "funding for a national AI compute centre", "an AI safety institute",
	"copyright rules for AI training data", "guidance on AI in hiring", "a moratorium on state AI laws",
	"an executive order on AI procurement", "privacy rules for AI chatbots", "an AI risk management framework",
	"liability rules for autonomous systems", "limits on facial recognition by police",
}

var enActions = []string{
	"proposes", "unveils", "approves", "delays", "finalises", "opens consultation on", "votes on",
	"tightens", "publishes", "backs",
}

var enPurposes = []string{
	"protect consumers while keeping the industry competitive", "close loopholes exploited by developers",
	"give companies legal certainty", "align with international standards", "curb misuse of generative models",
	"secure the supply of advanced chips", "bring rural hospitals up to date", "cut waiting times at benefit offices",
	"keep elections free of fabricated videos", "train 20,000 engineers", "pay artists whose work trains models",
	"lower power bills near server farms", "stop biased screening of job applicants", "speed up permits for labs",
	"make small firms less dependent on foreign clouds", "give teachers tools they can trust",
}

var enStakeholders = []string{
	"industry groups", "civil liberties advocates", "startups", "member states", "universities", "trade unions",
}

var enReactions = []string{
	"the rules are too vague to comply with", "the measure is long overdue", "the timeline is unrealistic",
	"smaller firms will bear most of the cost", "the approach strikes a reasonable balance",
	"enforcement will decide whether it works", "the money falls far short", "nobody asked the nurses",
	"it hands the market to the largest platforms", "it is a welcome first step", "the definitions must come first",
	"startups finally get room to breathe",
}

var enOtherSubjects = []string{
	"Wall Street stocks", "Oil prices", "The Federal Reserve", "Apple", "Tesla", "Microsoft", "Nvidia",
	"Premier League leaders", "The national weather service", "Airline passenger numbers", "Home sales",
	"The film festival", "City council", "Retail sales", "Bitcoin", "The marathon",
}

var enOtherPredicates = []string{
	"rise for a third day", "hit a record high", "slip on weak demand", "report quarterly earnings",
	"launch a new AI-powered laptop", "unveil an AI assistant for spreadsheets", "draw record crowds",
	"warn of a cold snap this weekend", "approve a new bike lane", "beat analyst estimates",
	"cut prices ahead of the holidays", "announce layoffs in its sales unit", "win in extra time",
}

var enOtherLeads = []string{
	"Analysts said the move was broadly in line with expectations.",
	"The company said it expects demand to stay strong into next year.",
	"Officials urged residents to check forecasts before travelling.",
	"Shares rose in after-hours trading following the announcement.",
	"Organisers said attendance was the highest since the event began.",
	"The results come after a volatile quarter for the sector.",
	"Critics said the plan did little to address underlying costs.",
	"The new product goes on sale next month in the US and Europe.",
}

var enFiller = []string{
	"The announcement follows months of talks with industry representatives.",
	"Details are expected to be published in the coming weeks.",
	"Several observers said the outcome was difficult to predict.",
	"The issue has drawn attention from regulators in other countries as well.",
	"A spokesperson declined to comment on the timing.",
	"Opponents have vowed to challenge the decision in court.",
	"The figures were compiled from public filings and interviews.",
	"Budget documents show the spending would be spread over three years.",
}

var enReporters = []string{"Jane Miller", "David Chen", "Sarah Okafor", "Tom Becker", "Priya Natarajan", "Luis Romero"}

var enOutlets = []string{
	"Policy Wire", "The Tech Ledger", "GovTech Review", "Capital Dispatch", "Digital Affairs Daily",
	"The Regulatory Review", "Market Street Journal", "Frontier Tech News", "The Civic Times", "Compute Weekly",
}

var enSections = []string{"Top stories", "Technology", "Business", "Politics", "World", "Science"}

// Filler sentences are composed from these, with numbers, so that article
// bodies vary as much as real ones (real feeds gzip about 4:1).
var (
	koWho    = []string{"업계 관계자", "한 전문가", "정부 관계자", "시장 분석가", "회사 대변인", "학계 관계자", "시민단체 대표", "증권사 연구원", "지역 주민", "협회 관계자", "노조 측", "투자자"}
	koWhen   = []string{"이날", "지난주", "최근", "전날", "이번 주 초", "지난달 말", "올해 상반기", "오전 브리핑에서"}
	koTopic  = []string{"향후 전망", "시장 반응", "세부 일정", "예산 규모", "관련 규정", "후속 조치", "투자 계획", "소비자 영향", "인력 수급", "해외 사례", "지역 경제", "가격 동향"}
	koQuote  = []string{"상황을 면밀히 지켜보고 있다", "아직 결정된 바 없다", "연내 구체적인 방안이 나올 것", "추가 협의가 필요하다", "긍정적인 효과가 기대된다", "부담이 커질 수 있다", "현장의 목소리를 더 들어야 한다", "일정이 다소 늦어질 수 있다"}
	koOrg    = []string{"한국무역협회", "통계청", "금융감독원", "한국거래소", "대한상공회의소", "업계", "한국개발연구원", "산업연구원", "한국소비자원", "시장조사업체"}
	koMetric = []string{"매출", "거래량", "방문객 수", "투자액", "수출액", "가입자 수", "신규 고용", "영업이익", "출하량", "이용 건수"}
	koUnit   = []string{"억 원", "만 명", "건", "조 원", "만 대", "개"}
	koPlace  = []string{"서울", "부산", "대구", "인천", "광주", "대전", "세종", "수원", "판교", "여의도", "강남", "제주"}
	enWho    = []string{"An industry official", "One analyst", "A government spokesperson", "A company executive", "A local resident", "A trade group representative", "An economist", "A senior adviser", "A union leader", "An investor"}
	enWhen   = []string{"on Monday", "last week", "earlier this month", "in a statement", "at a briefing", "late on Friday", "this morning", "in an interview"}
	enTopic  = []string{"the outlook", "market reaction", "the timetable", "the budget", "the new rules", "next steps", "investment plans", "the impact on consumers", "hiring", "overseas examples", "the local economy", "prices"}
	enQuote  = []string{"we are watching closely", "nothing has been decided yet", "details will follow before the end of the year", "more consultation is needed", "the effects should be positive", "costs could rise", "we need to hear from people on the ground", "the schedule may slip"}
	enOrg    = []string{"the statistics office", "the central bank", "a trade association", "the exchange", "a market research firm", "the chamber of commerce", "the consumer agency", "an industry survey", "the labour ministry", "the port authority"}
	enMetric = []string{"revenue", "trading volume", "visitor numbers", "investment", "exports", "subscriber numbers", "new hires", "operating profit", "shipments", "transactions"}
	enUnit   = []string{"million dollars", "thousand people", "cases", "billion dollars", "thousand units", "sites"}
	enPlace  = []string{"London", "Seoul", "New York", "Brussels", "Tokyo", "Toronto", "Chicago", "Berlin", "Sydney", "Austin", "Dublin", "Singapore"}
)

// Names are composed from these, so that few sentences repeat.
var (
	koSurnames  = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"}
	koGiven     = []string{"민", "서", "지", "현", "우", "준", "예", "하", "도", "윤", "수", "연", "재", "은", "영", "태", "성", "진", "혜", "주", "유", "승", "원", "경", "호", "빈", "아", "린", "율", "희"}
	koRoles     = []string{"연구위원", "대표", "교수", "국장", "과장", "본부장", "수석연구원", "이사", "센터장", "팀장"}
	koQuoteHead = []string{"현장에서는", "당장은", "장기적으로", "무엇보다", "결국", "일단", "지금으로서는", "내년에는"}
	enFirst     = []string{"James", "Maria", "Wei", "Aisha", "Daniel", "Sofia", "Kenji", "Olivia", "Mateo", "Hana", "Noah", "Fatima", "Lucas", "Emma", "Arjun", "Chloe", "Samuel", "Yuna", "Omar", "Grace"}
	enLast      = []string{"Smith", "Kim", "Garcia", "Nguyen", "Okafor", "Rossi", "Tanaka", "Muller", "Patel", "Brown", "Lee", "Silva", "Cohen", "Dubois", "Novak", "Khan", "Larsen", "Walsh", "Ito", "Moreno"}
	enRoles     = []string{"a researcher", "the chief executive", "a professor", "the director", "a policy adviser", "the head of research", "a partner", "a spokeswoman", "a spokesman", "the chair"}
	enQuoteHead = []string{"For now,", "In the long run,", "Above all,", "Frankly,", "In practice,", "Next year,", "On balance,", "So far,"}
)

// AI-policy instruments are composed of a domain and a kind of instrument, so
// that events differ in what they are about, as real ones do.
var (
	koDomains = []string{"자율주행", "의료 AI", "금융 AI", "딥페이크", "AI 반도체", "AI 데이터센터", "공공 AI 서비스", "AI 교과서",
		"생성형 AI 저작권", "AI 채용", "얼굴인식", "AI 상담 챗봇", "AI 보안", "스마트공장 AI", "지능형 로봇", "초거대 AI", "AI 인재 양성",
		"온디바이스 AI", "AI 윤리", "AI 클라우드", "선거 딥페이크", "AI 학습데이터", "피지컬 AI", "AI 돌봄"}
	koInstruments = []string{"시행령", "가이드라인", "지원 사업", "규제 샌드박스", "인증제", "영향평가 제도", "실증 사업", "종합계획",
		"개정안", "특별법", "기본계획", "전담 조직", "예산안", "표준안", "고시", "세제 지원", "펀드", "면허 제도"}
	enDomains = []string{"self-driving cars", "medical AI", "AI in banking", "deepfakes", "AI chips", "data centres", "public-sector AI",
		"AI in schools", "AI training data", "AI hiring tools", "facial recognition", "customer-service chatbots", "AI security",
		"industrial robots", "frontier models", "AI skills", "on-device AI", "AI ethics", "cloud computing", "election deepfakes",
		"AI in policing", "AI copyright", "open-source models", "AI in healthcare billing"}
	enInstruments = []string{"rules", "guidelines", "a funding programme", "a regulatory sandbox", "a certification scheme",
		"impact assessments", "pilot projects", "a national strategy", "amendments", "a special law", "a task force", "a budget line",
		"technical standards", "a licensing regime", "a code of conduct", "tax credits", "an investment fund", "reporting duties"}
)

// Project code names make each event's reports share words no other event has.
var (
	koCodeSyl  = []string{"누리", "한빛", "온새", "다온", "가람", "새봄", "해솔", "라온", "미르", "아라", "별빛", "초롱", "소담", "하람", "다솜", "이음", "나래", "두레", "마루", "여울", "너울", "보람", "슬기", "한결", "어울", "푸름", "늘품", "단비", "윤슬", "물결"}
	enCodeWord = []string{"Kestrel", "Granite", "Juniper", "Harbor", "Falcon", "Meridian", "Aurora", "Cobalt", "Willow", "Summit", "Beacon", "Cascade", "Orchid", "Sparrow", "Basalt", "Lantern", "Quartz", "Tundra", "Heron", "Mosaic",
		"Pioneer", "Atlas", "Cedar", "Delta", "Ember", "Fjord", "Glacier", "Horizon", "Ivory", "Jasper", "Keystone", "Lotus", "Magnet", "Nimbus", "Onyx", "Prism", "Raven", "Sierra", "Talon", "Vertex"}
)
