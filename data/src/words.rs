//! Word lists the generator composes from: data.gov.uk's themes with their subjects, measures
//! and tags, UK place names, public-body name patterns, resource formats, licences and the
//! small vocabularies of INSPIRE metadata.
//!
//! Everything is `static` data: changing a list changes every generated catalogue (and the
//! committed sample), so append rather than reorder when extending.

/// One of data.gov.uk's 14 topics (`theme-primary`), with what datasets under it are about.
pub struct Theme {
    /// The `theme-primary` value (validated by ckanext-datagovuk against this slug list).
    pub slug: &'static str,
    /// The display name, as used in `theme-secondary` lists.
    pub title: &'static str,
    /// Relative share of datasets.
    pub weight: u32,
    /// Noun phrases naming what a dataset contains, lower case.
    pub subjects: &'static [&'static str],
    /// What the figures measure, for the descriptive sentences.
    pub measures: &'static [&'static str],
    /// Free tags typical for the theme.
    pub tags: &'static [&'static str],
}

/// data.gov.uk's 14 themes (ckanext-datagovuk `schema.py`), weighted roughly like the live
/// catalogue: mapping/environment (INSPIRE) and spending data dominate.
pub static THEMES: [Theme; 14] = [
    Theme {
        slug: "business-and-economy",
        title: "Business and economy",
        weight: 8,
        subjects: &[
            "business rates relief",
            "GDP estimates by local authority",
            "company insolvency statistics",
            "high-street vacancy rates",
            "start-up survival rates",
            "inward investment projects",
            "business grants awarded",
            "retail footfall counts",
            "regional gross value added",
            "e-commerce sales by sector",
            "apprenticeship starts by employer size",
            "market stall licences",
            "non-domestic rating list",
        ],
        measures: &[
            "turnover",
            "employment",
            "year-on-year growth",
            "rateable value",
            "GVA per head",
            "the number of active enterprises",
        ],
        tags: &[
            "business",
            "economy",
            "GDP",
            "business-rates",
            "enterprise",
            "employment",
            "retail",
            "investment",
        ],
    },
    Theme {
        slug: "environment",
        title: "Environment",
        weight: 16,
        subjects: &[
            "NO2 diffusion tube results",
            "air quality monitoring data",
            "CO2 emissions estimates",
            "flood risk areas",
            "river water quality",
            "bathing water quality",
            "household waste recycling rates",
            "fly-tipping incidents",
            "tree preservation orders",
            "sites of special scientific interest",
            "noise complaints",
            "contaminated land register",
            "landfill sites",
            "ancient woodland inventory",
            "groundwater levels",
            "hedgerow surveys",
            "PM2.5 and PM10 concentrations",
            "historic flood map",
        ],
        measures: &[
            "annual mean concentration",
            "tonnes of CO2 equivalent",
            "the number of exceedances",
            "recycling rate",
            "kilograms per household",
            "area in hectares",
        ],
        tags: &[
            "environment",
            "air-quality",
            "NO2",
            "CO2",
            "emissions",
            "flooding",
            "waste",
            "recycling",
            "water quality",
            "biodiversity",
            "climate change",
            "net-zero",
        ],
    },
    Theme {
        slug: "mapping",
        title: "Mapping",
        weight: 14,
        subjects: &[
            "LIDAR composite DTM",
            "ward boundaries",
            "conservation areas",
            "listed buildings",
            "local plan allocations",
            "brown-field land register",
            "public rights of way",
            "land ownership polygons",
            "street gazetteer",
            "aerial photography",
            "article 4 directions",
            "green belt boundary",
            "UPRN address points",
            "OpenStreetMap building footprints",
            "LSOA boundaries",
        ],
        measures: &[
            "polygon extents",
            "point locations",
            "a 1m grid resolution",
            "boundary changes",
            "site areas",
        ],
        tags: &[
            "mapping",
            "boundaries",
            "planning",
            "GIS",
            "spatial",
            "INSPIRE",
            "land-use",
            "brownfield",
            "conservation",
            "LIDAR",
            "OpenStreetMap",
        ],
    },
    Theme {
        slug: "crime-and-justice",
        title: "Crime and justice",
        weight: 5,
        subjects: &[
            "street-level crime",
            "anti-social behaviour incidents",
            "stop and search records",
            "court case outcomes",
            "prison population figures",
            "knife crime offences",
            "reoffending rates",
            "road traffic offences",
            "hate crime reports",
            "police officer numbers",
        ],
        measures: &[
            "offences per 1,000 population",
            "the number of incidents",
            "outcome rates",
            "average custodial sentence length",
        ],
        tags: &[
            "crime",
            "police",
            "justice",
            "courts",
            "anti-social behaviour",
            "prisons",
            "community safety",
        ],
    },
    Theme {
        slug: "government",
        title: "Government",
        weight: 12,
        subjects: &[
            "organogram of staff roles and salaries",
            "senior staff salaries",
            "freedom of information requests",
            "councillor allowances",
            "election results",
            "meetings with external organisations",
            "gifts and hospitality received",
            "ministerial travel",
            "workforce diversity statistics",
            "trade union facility time",
            "parking account",
            "register of electors",
        ],
        measures: &[
            "full-time equivalent posts",
            "salary bands",
            "response times",
            "turnout",
            "the number of requests",
        ],
        tags: &[
            "government",
            "transparency",
            "organogram",
            "salaries",
            "FOI",
            "elections",
            "workforce",
            "councillors",
        ],
    },
    Theme {
        slug: "society",
        title: "Society",
        weight: 7,
        subjects: &[
            "population estimates",
            "census 2021 household composition",
            "index of multiple deprivation",
            "housing waiting list",
            "homelessness acceptances",
            "library visits",
            "child poverty estimates",
            "council tax bands",
            "affordable housing completions",
            "food bank usage",
            "community centre locations",
        ],
        measures: &[
            "the number of households",
            "rank of deprivation",
            "persons per hectare",
            "the share of children",
            "median age",
        ],
        tags: &[
            "population",
            "census",
            "deprivation",
            "housing",
            "homelessness",
            "poverty",
            "communities",
            "libraries",
        ],
    },
    Theme {
        slug: "defence",
        title: "Defence",
        weight: 1,
        subjects: &[
            "armed forces personnel statistics",
            "defence estate holdings",
            "veterans' services",
            "military low flying areas",
            "reserve forces strength",
        ],
        measures: &[
            "trained strength",
            "hectares of estate",
            "the number of personnel",
        ],
        tags: &[
            "defence",
            "armed forces",
            "veterans",
            "MOD",
        ],
    },
    Theme {
        slug: "government-spending",
        title: "Government spending",
        weight: 12,
        subjects: &[
            "spend over £25,000",
            "spend over £500",
            "purchase card transactions",
            "contracts register",
            "grants to voluntary organisations",
            "procurement pipeline",
            "capital programme expenditure",
            "invoices paid within 30 days",
            "budget outturn",
            "exceptional payments",
        ],
        measures: &[
            "net amount in £",
            "expenditure by supplier",
            "VAT-inclusive totals",
            "the number of transactions",
        ],
        tags: &[
            "spending",
            "spend-over-25000",
            "transparency",
            "procurement",
            "contracts",
            "finance",
            "payments",
            "local-spending-data",
        ],
    },
    Theme {
        slug: "towns-and-cities",
        title: "Towns and cities",
        weight: 7,
        subjects: &[
            "planning applications",
            "building control completions",
            "street lighting columns",
            "public toilets",
            "allotment sites",
            "car park locations",
            "café and restaurant food hygiene ratings",
            "public WiFi hotspots",
            "market and fair events",
            "empty homes",
            "licensed premises",
            "street trading consents",
        ],
        measures: &[
            "decision times",
            "occupancy",
            "the number of sites",
            "hygiene scores",
        ],
        tags: &[
            "planning",
            "housing",
            "licensing",
            "parking",
            "regeneration",
            "food hygiene",
            "WiFi",
            "town centre",
        ],
    },
    Theme {
        slug: "education",
        title: "Education",
        weight: 5,
        subjects: &[
            "school census pupil numbers",
            "GCSE attainment",
            "school admissions",
            "free school meals eligibility",
            "special educational needs provision",
            "children's centre locations",
            "further education participation",
            "school term dates",
        ],
        measures: &[
            "attainment 8 scores",
            "the number of pupils",
            "offer rates",
            "persistent absence",
        ],
        tags: &[
            "education",
            "schools",
            "pupils",
            "SEND",
            "attainment",
            "early years",
        ],
    },
    Theme {
        slug: "health",
        title: "Health",
        weight: 7,
        subjects: &[
            "NHS111 call volumes",
            "A&E attendances",
            "GP practice registrations",
            "prescribing data",
            "hospital waiting times",
            "adult social care packages",
            "childhood obesity prevalence",
            "COVID-19 vaccinations",
            "smoking cessation outcomes",
            "ambulance response times",
        ],
        measures: &[
            "rates per 100,000",
            "the number of attendances",
            "median waiting time",
            "prevalence",
        ],
        tags: &[
            "health",
            "NHS",
            "social care",
            "public health",
            "hospitals",
            "GP",
            "prescribing",
            "COVID-19",
        ],
    },
    Theme {
        slug: "transport",
        title: "Transport",
        weight: 7,
        subjects: &[
            "road traffic counts",
            "road traffic collisions",
            "bus punctuality",
            "EV charge-point locations",
            "cycle-hire docking stations",
            "rail passenger numbers",
            "car park occupancy",
            "street-works permits",
            "HGV movements",
            "gritting routes",
            "bus stop locations (NaPTAN)",
            "potholes reported",
        ],
        measures: &[
            "average daily flow",
            "casualties by severity",
            "on-time performance",
            "the number of journeys",
        ],
        tags: &[
            "transport",
            "roads",
            "traffic",
            "buses",
            "cycling",
            "electric vehicles",
            "rail",
            "road safety",
            "parking",
        ],
    },
    Theme {
        slug: "digital-services-performance",
        title: "Digital service performance",
        weight: 1,
        subjects: &[
            "online transactions",
            "website usage statistics",
            "digital take-up",
            "contact centre call volumes",
        ],
        measures: &[
            "completion rate",
            "cost per transaction",
            "user satisfaction",
        ],
        tags: &[
            "digital",
            "performance",
            "web analytics",
            "PowerBI",
        ],
    },
    Theme {
        slug: "government-reference-data",
        title: "Government reference data",
        weight: 2,
        subjects: &[
            "register of local authorities",
            "country register",
            "code list of school types",
            "postcode directory",
            "statistical geography names and codes",
        ],
        measures: &[
            "entries",
            "code changes",
            "the number of records",
        ],
        tags: &[
            "reference data",
            "registers",
            "codes",
            "ONS",
            "geography",
        ],
    },
];

/// Index into [`THEMES`] of a theme slug (0 for an unknown slug, which only a typo in the
/// tables below could produce).
pub fn theme_index(slug: &str) -> usize {
    THEMES.iter().position(|t| t.slug == slug).unwrap_or(0)
}

/// Tags any dataset may carry, whatever its theme.
pub static GENERAL_TAGS: &[&str] = &[
    "open data",
    "statistics",
    "annual",
    "monthly",
    "quarterly",
    "England",
    "Wales",
    "Scotland",
    "local authority",
    "csv",
    "time series",
    "official statistics",
    "national statistics",
    "ONS",
    "LSOA",
    "ward",
    "year-on-year",
    "2021",
    "Transparency Code",
];

/// Controlled vocabularies (`vocabulary_id`) and their terms: INSPIRE spatial data themes and
/// GEMET keywords, as some harvesters add them.
pub static VOCABULARIES: &[(&str, &[&str])] = &[
    (
        "inspire_themes",
        &[
            "Hydrography",
            "Land cover",
            "Protected sites",
            "Administrative units",
            "Transport networks",
            "Natural risk zones",
            "Elevation",
            "Buildings",
            "Utility and governmental services",
            "Environmental monitoring facilities",
        ],
    ),
    (
        "gemet",
        &[
            "air pollution",
            "flood",
            "land use",
            "water quality",
            "noise",
            "habitat",
        ],
    ),
];

/// English, Welsh, Scottish and Northern Irish places: towns, cities, counties and districts.
pub static PLACES: &[&str] = &[
    "Aberdeen", "Allerdale", "Amber Valley", "Arun", "Ashford", "Aylesbury Vale", "Barnsley",
    "Basildon", "Basingstoke and Deane", "Bassetlaw", "Bath and North East Somerset", "Bedford",
    "Birmingham", "Blaby", "Blackburn with Darwen", "Blackpool", "Bolsover", "Bolton", "Boston",
    "Bournemouth", "Bracknell Forest", "Bradford", "Braintree", "Breckland", "Brentwood",
    "Bridgend", "Brighton and Hove", "Bristol", "Broadland", "Bromsgrove", "Broxtowe",
    "Buckinghamshire", "Burnley", "Bury", "Bury St Edmunds", "Calderdale", "Cambridge",
    "Cambridgeshire", "Cannock Chase", "Canterbury", "Cardiff", "Carlisle", "Carmarthenshire",
    "Castle Point", "Ceredigion", "Charnwood", "Chelmsford", "Cheltenham", "Cherwell",
    "Cheshire East", "Cheshire West and Chester", "Chesterfield", "Chichester", "Chorley",
    "Colchester", "Conwy", "Cornwall", "Cotswold", "Coventry", "Crawley", "Cumbria", "Dacorum",
    "Darlington", "Dartford", "Denbighshire", "Derby", "Derbyshire", "Derbyshire Dales",
    "Devon", "Doncaster", "Dorset", "Dover", "Dudley", "Dumfries and Galloway", "Dundee",
    "Durham", "East Cambridgeshire", "East Devon", "East Hampshire", "East Lindsey",
    "East Riding of Yorkshire", "East Suffolk", "Eastbourne", "Eastleigh", "Eden", "Edinburgh",
    "Elmbridge", "Epping Forest", "Epsom and Ewell", "Erewash", "Essex", "Exeter", "Fareham",
    "Fenland", "Fife", "Flintshire", "Folkestone and Hythe", "Forest of Dean", "Fylde",
    "Gateshead", "Gedling", "Glasgow", "Gloucester", "Gloucestershire", "Gosport", "Gravesham",
    "Great Yarmouth", "Guildford", "Gwynedd", "Halton", "Hambleton", "Hampshire", "Harborough",
    "Harlow", "Harrogate", "Hart", "Hartlepool", "Hastings", "Havant", "Herefordshire",
    "Hertfordshire", "Hertsmere", "High Peak", "Highland", "Hinckley and Bosworth", "Horsham",
    "Huntingdonshire", "Hyndburn", "Ipswich", "Isle of Wight", "Isles of Scilly", "Kent",
    "King's Lynn and West Norfolk", "Kingston upon Hull", "Kirklees", "Knowsley", "Lancashire",
    "Lancaster", "Leeds", "Leicester", "Leicestershire", "Lewes", "Lichfield", "Lincoln",
    "Lincolnshire", "Liverpool", "Luton", "Maidstone", "Maldon", "Malvern Hills", "Manchester",
    "Mansfield", "Medway", "Melton", "Mendip", "Merthyr Tydfil", "Mid Devon", "Mid Suffolk",
    "Mid Sussex", "Middlesbrough", "Milton Keynes", "Mole Valley", "Monmouthshire",
    "New Forest", "Newark and Sherwood", "Newcastle upon Tyne", "Newcastle-under-Lyme",
    "Newport", "Norfolk", "North Devon", "North East Lincolnshire", "North Kesteven",
    "North Lincolnshire", "North Norfolk", "North Somerset", "North Tyneside",
    "North Yorkshire", "Northumberland", "Norwich", "Nottingham", "Nottinghamshire",
    "Nuneaton and Bedworth", "Oadby and Wigston", "Oldham", "Oxford", "Oxfordshire",
    "Pembrokeshire", "Pendle", "Pen-y-bont ar Ogwr", "Perth and Kinross", "Peterborough",
    "Plymouth", "Portsmouth", "Powys", "Preston", "Reading", "Redcar and Cleveland",
    "Redditch", "Reigate and Banstead", "Rhondda Cynon Taf", "Ribble Valley", "Rochdale",
    "Rochford", "Rossendale", "Rotherham", "Rugby", "Runnymede", "Rushcliffe", "Rutland",
    "Salford", "Sandwell", "Scarborough", "Sedgemoor", "Sefton", "Sevenoaks", "Sheffield",
    "Shropshire", "Slough", "Solihull", "Somerset", "South Cambridgeshire", "South Derbyshire",
    "South Gloucestershire", "South Hams", "South Holland", "South Kesteven",
    "South Lakeland", "South Norfolk", "South Oxfordshire", "South Ribble",
    "South Somerset", "South Tyneside", "Southampton", "Southend-on-Sea", "Spelthorne",
    "St Albans", "St Helens", "Stafford", "Staffordshire", "Stevenage", "Stockport",
    "Stockton-on-Tees", "Stoke-on-Trent", "Stratford-on-Avon", "Stroud", "Suffolk",
    "Sunderland", "Surrey", "Surrey Heath", "Swale", "Swansea", "Swindon", "Tameside",
    "Tamworth", "Tandridge", "Teignbridge", "Telford and Wrekin", "Tendring",
    "Test Valley", "Tewkesbury", "Thanet", "Three Rivers", "Thurrock", "Tonbridge and Malling",
    "Torbay", "Torfaen", "Torridge", "Trafford", "Tunbridge Wells", "Uttlesford",
    "Vale of Glamorgan", "Vale of White Horse", "Wakefield", "Walsall", "Warrington",
    "Warwick", "Warwickshire", "Watford", "Waverley", "Wealden", "Welwyn Hatfield",
    "West Berkshire", "West Devon", "West Lancashire", "West Lindsey", "West Northamptonshire",
    "West Suffolk", "West Sussex", "Weston-super-Mare", "Wigan", "Wiltshire", "Winchester",
    "Windsor and Maidenhead", "Wirral", "Woking", "Wokingham", "Wolverhampton", "Worcester",
    "Worcestershire", "Worthing", "Wrexham", "Wychavon", "Wyre", "Wyre Forest", "York",
    "Ynys Môn", "Belfast", "Derry and Strabane", "Armagh", "Newry, Mourne and Down",
];

/// London boroughs, which take the "London Borough of …" form.
pub static LONDON_BOROUGHS: &[&str] = &[
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon",
    "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
    "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Lambeth", "Lewisham",
    "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
    "Tower Hamlets", "Waltham Forest", "Wandsworth",
];

/// What kind of public body an organisation is; drives its name, description, themes and
/// how likely its datasets are harvested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgKind {
    /// A ministerial or non-ministerial department.
    Department,
    /// An executive agency or non-departmental public body.
    Agency,
    /// A local council of any tier.
    Council,
    /// An NHS trust, board or commissioning group.
    Nhs,
    /// A police force, fire service or commissioner.
    Emergency,
    /// Anything else: national parks, combined authorities, universities, partnerships.
    Other,
}

/// Central bodies named verbatim, with acronym, kind and usual theme. These take the top of
/// the size ranking more often than composed names (the real long tail is mostly councils).
pub static CENTRAL_BODIES: &[(&str, &str, OrgKind, &str)] = &[
    ("Environment Agency", "EA", OrgKind::Agency, "environment"),
    ("Office for National Statistics", "ONS", OrgKind::Department, "society"),
    ("Natural England", "NE", OrgKind::Agency, "environment"),
    ("Department for Transport", "DfT", OrgKind::Department, "transport"),
    ("Ordnance Survey", "OS", OrgKind::Agency, "mapping"),
    ("Ministry of Housing, Communities and Local Government", "MHCLG", OrgKind::Department, "towns-and-cities"),
    ("Department for Education", "DfE", OrgKind::Department, "education"),
    ("Department of Health and Social Care", "DHSC", OrgKind::Department, "health"),
    ("Cabinet Office", "CO", OrgKind::Department, "government"),
    ("HM Treasury", "HMT", OrgKind::Department, "government-spending"),
    ("Home Office", "HO", OrgKind::Department, "crime-and-justice"),
    ("Ministry of Justice", "MoJ", OrgKind::Department, "crime-and-justice"),
    ("Ministry of Defence", "MOD", OrgKind::Department, "defence"),
    ("Department for Environment, Food & Rural Affairs", "Defra", OrgKind::Department, "environment"),
    ("Department for Work and Pensions", "DWP", OrgKind::Department, "society"),
    ("HM Revenue & Customs", "HMRC", OrgKind::Department, "business-and-economy"),
    ("Foreign, Commonwealth & Development Office", "FCDO", OrgKind::Department, "government"),
    ("Department for Business and Trade", "DBT", OrgKind::Department, "business-and-economy"),
    ("Department for Energy Security and Net Zero", "DESNZ", OrgKind::Department, "environment"),
    ("Department for Science, Innovation and Technology", "DSIT", OrgKind::Department, "digital-services-performance"),
    ("Department for Culture, Media and Sport", "DCMS", OrgKind::Department, "society"),
    ("HM Land Registry", "HMLR", OrgKind::Agency, "mapping"),
    ("Met Office", "MO", OrgKind::Agency, "environment"),
    ("Forestry Commission", "FC", OrgKind::Agency, "environment"),
    ("Historic England", "HE", OrgKind::Agency, "mapping"),
    ("Companies House", "CH", OrgKind::Agency, "business-and-economy"),
    ("Driver and Vehicle Licensing Agency", "DVLA", OrgKind::Agency, "transport"),
    ("Driver and Vehicle Standards Agency", "DVSA", OrgKind::Agency, "transport"),
    ("National Highways", "NH", OrgKind::Agency, "transport"),
    ("Joint Nature Conservation Committee", "JNCC", OrgKind::Agency, "environment"),
    ("Marine Management Organisation", "MMO", OrgKind::Agency, "environment"),
    ("Food Standards Agency", "FSA", OrgKind::Agency, "health"),
    ("Health and Safety Executive", "HSE", OrgKind::Agency, "health"),
    ("UK Health Security Agency", "UKHSA", OrgKind::Agency, "health"),
    ("NHS England", "NHSE", OrgKind::Nhs, "health"),
    ("NHS Digital", "NHSD", OrgKind::Nhs, "health"),
    ("Care Quality Commission", "CQC", OrgKind::Agency, "health"),
    ("Ofsted", "Ofsted", OrgKind::Agency, "education"),
    ("Ofcom", "Ofcom", OrgKind::Agency, "business-and-economy"),
    ("Ofgem", "Ofgem", OrgKind::Agency, "business-and-economy"),
    ("Ofwat", "Ofwat", OrgKind::Agency, "environment"),
    ("Office of Rail and Road", "ORR", OrgKind::Agency, "transport"),
    ("Civil Aviation Authority", "CAA", OrgKind::Agency, "transport"),
    ("British Geological Survey", "BGS", OrgKind::Agency, "mapping"),
    ("Centre for Environment, Fisheries and Aquaculture Science", "Cefas", OrgKind::Agency, "environment"),
    ("Rural Payments Agency", "RPA", OrgKind::Agency, "government-spending"),
    ("Animal and Plant Health Agency", "APHA", OrgKind::Agency, "environment"),
    ("Valuation Office Agency", "VOA", OrgKind::Agency, "business-and-economy"),
    ("The Insolvency Service", "INSS", OrgKind::Agency, "business-and-economy"),
    ("Charity Commission", "CCEW", OrgKind::Agency, "society"),
    ("Electoral Commission", "EC", OrgKind::Agency, "government"),
    ("Welsh Government", "WG", OrgKind::Department, "government"),
    ("Scottish Government", "SG", OrgKind::Department, "government"),
    ("Northern Ireland Statistics and Research Agency", "NISRA", OrgKind::Agency, "society"),
    ("Greater London Authority", "GLA", OrgKind::Other, "towns-and-cities"),
    ("Transport for London", "TfL", OrgKind::Other, "transport"),
    ("Natural Resources Wales", "NRW", OrgKind::Agency, "environment"),
    ("Scottish Environment Protection Agency", "SEPA", OrgKind::Agency, "environment"),
    ("The Coal Authority", "CA", OrgKind::Agency, "mapping"),
    ("Homes England", "HomesE", OrgKind::Agency, "towns-and-cities"),
    ("Sport England", "SE", OrgKind::Agency, "society"),
    ("Arts Council England", "ACE", OrgKind::Agency, "society"),
    ("Planning Inspectorate", "PINS", OrgKind::Agency, "towns-and-cities"),
    ("Government Digital Service", "GDS", OrgKind::Department, "digital-services-performance"),
    ("Crown Commercial Service", "CCS", OrgKind::Agency, "government-spending"),
    ("Royal Botanic Gardens, Kew", "Kew", OrgKind::Agency, "environment"),
];

/// Name patterns for composed organisations: `{p}` is a place, with the body's kind and the
/// relative frequency of the pattern (councils dominate data.gov.uk's long tail).
pub static ORG_PATTERNS: &[(&str, OrgKind, u32)] = &[
    ("{p} City Council", OrgKind::Council, 6),
    ("{p} Borough Council", OrgKind::Council, 10),
    ("{p} District Council", OrgKind::Council, 10),
    ("{p} County Council", OrgKind::Council, 5),
    ("{p} Council", OrgKind::Council, 10),
    ("{p} Metropolitan Borough Council", OrgKind::Council, 3),
    ("London Borough of {l}", OrgKind::Council, 3),
    ("{p} Town Council", OrgKind::Council, 3),
    ("{p} Parish Council", OrgKind::Council, 2),
    ("{p} Hospitals NHS Foundation Trust", OrgKind::Nhs, 3),
    ("{p} and {q} NHS Foundation Trust", OrgKind::Nhs, 2),
    ("NHS {p} Integrated Care Board", OrgKind::Nhs, 2),
    ("NHS {p} Clinical Commissioning Group", OrgKind::Nhs, 3),
    ("{p} Community Health NHS Trust", OrgKind::Nhs, 1),
    ("{p} Police", OrgKind::Emergency, 2),
    ("{p} Constabulary", OrgKind::Emergency, 1),
    ("{p} Fire and Rescue Service", OrgKind::Emergency, 2),
    ("{p} Police and Crime Commissioner", OrgKind::Emergency, 1),
    ("{p} National Park Authority", OrgKind::Other, 1),
    ("{p} Combined Authority", OrgKind::Other, 1),
    ("{p} Local Enterprise Partnership", OrgKind::Other, 1),
    ("{p} Internal Drainage Board", OrgKind::Other, 1),
    ("{p} Waste Partnership", OrgKind::Other, 1),
    ("University of {p}", OrgKind::Other, 1),
    ("{p} College", OrgKind::Other, 1),
    ("{p} Observatory", OrgKind::Other, 1),
];

/// Harvest sources several publishers share (aggregators and national catalogues).
pub static SHARED_HARVEST_SOURCES: &[&str] = &[
    "UK Location Metadata Editor",
    "Data Mill North",
    "London Datastore",
    "Calderdale DataWorks",
    "Barnet Open Data",
    "DataMapWales",
    "Scottish Spatial Data Infrastructure",
    "MEDIN Data Archive Centres",
    "Defra Data Services Platform",
];

/// Messy `format` values as publishers typed them, with relative frequency. The variety
/// (case, dots, trailing spaces, MIME types, synonyms, blanks) is what Find's format synonym
/// table and the `res_format` facet have to cope with.
pub static FORMATS: &[(&str, u32)] = &[
    ("CSV", 260),
    ("csv", 30),
    (".csv", 12),
    ("CSV ", 6),
    ("text/csv", 6),
    ("XLS", 60),
    ("XLSX", 40),
    ("xlsx", 8),
    ("Excel", 15),
    ("PDF", 80),
    ("pdf", 8),
    ("HTML", 80),
    ("", 60),
    ("JSON", 30),
    ("geojson", 8),
    ("GeoJSON", 8),
    ("ZIP", 30),
    ("XML", 20),
    ("ODS", 8),
    ("KML", 8),
    ("SHP", 10),
    ("ESRI Shapefile", 4),
    ("API", 10),
    ("RDF", 4),
    ("TXT", 6),
    ("DOC", 6),
    ("DOCX", 4),
    ("ArcGIS GeoServices REST API", 4),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 2),
];

/// Formats of INSPIRE service resources (view/download services).
pub static INSPIRE_FORMATS: &[(&str, u32)] = &[
    ("WMS", 50),
    ("OGC WMS", 8),
    ("WFS", 25),
    ("", 30),
    ("ZIP", 10),
    ("GML", 6),
    ("Esri REST", 4),
    ("GeoPackage", 4),
];

/// A licence as CKAN's licence register describes it.
pub struct Licence {
    /// `license_id`; `None` for datasets stored with a null licence.
    pub id: Option<&'static str>,
    /// `license_title` (CKAN falls back to the id for unknown licences).
    pub title: Option<&'static str>,
    /// `license_url`, present only when the register has one.
    pub url: Option<&'static str>,
    /// `isopen`.
    pub open: bool,
}

/// Licences with relative frequency: mostly OGL, then Creative Commons and ODC, plus the
/// odd ids and blanks real harvests leave behind.
pub static LICENCES: &[(Licence, u32)] = &[
    (
        Licence {
            id: Some("uk-ogl"),
            title: Some("UK Open Government Licence (OGL)"),
            url: Some("http://reference.data.gov.uk/id/open-government-licence"),
            open: true,
        },
        760,
    ),
    (
        Licence {
            id: Some("cc-by"),
            title: Some("Creative Commons Attribution"),
            url: Some("http://www.opendefinition.org/licenses/cc-by"),
            open: true,
        },
        40,
    ),
    (
        Licence {
            id: Some("cc-by-sa"),
            title: Some("Creative Commons Attribution Share-Alike"),
            url: Some("http://www.opendefinition.org/licenses/cc-by-sa"),
            open: true,
        },
        8,
    ),
    (
        Licence {
            id: Some("cc-zero"),
            title: Some("Creative Commons CCZero"),
            url: Some("http://www.opendefinition.org/licenses/cc-zero"),
            open: true,
        },
        8,
    ),
    (
        Licence {
            id: Some("odc-odbl"),
            title: Some("Open Data Commons Open Database License (ODbL)"),
            url: Some("http://www.opendefinition.org/licenses/odc-odbl"),
            open: true,
        },
        20,
    ),
    (
        Licence {
            id: Some("odc-by"),
            title: Some("Open Data Commons Attribution License"),
            url: Some("http://www.opendefinition.org/licenses/odc-by"),
            open: true,
        },
        6,
    ),
    (
        Licence {
            id: Some("other-at"),
            title: Some("Other (Attribution)"),
            url: None,
            open: true,
        },
        12,
    ),
    (
        Licence {
            id: Some("other-closed"),
            title: Some("Other (Not Open)"),
            url: None,
            open: false,
        },
        10,
    ),
    (
        Licence {
            id: Some("notspecified"),
            title: Some("License not specified"),
            url: None,
            open: false,
        },
        10,
    ),
    (
        Licence {
            id: Some("OGL-UK-3.0"),
            title: Some("OGL-UK-3.0"),
            url: None,
            open: false,
        },
        12,
    ),
    (
        Licence {
            id: Some(""),
            title: Some(""),
            url: None,
            open: false,
        },
        80,
    ),
    (
        Licence {
            id: None,
            title: None,
            url: None,
            open: false,
        },
        34,
    ),
];

/// Free-text licences (`licence` extra), mostly from INSPIRE records.
pub static LICENCE_TEXTS: &[&str] = &[
    "Open Government Licence v3.0",
    "Contains public sector information licensed under the Open Government Licence v3.0.",
    "Public Sector End User Licence for INSPIRE applies (http://www.ordnancesurvey.co.uk/business-and-government/public-sector/mapping-agreements/inspire-licence.html)",
    "[\"Use of this data is subject to the Open Government Licence\"]",
    "[]",
    "Contains Ordnance Survey data © Crown copyright and database right 2024",
    "No conditions apply",
];

/// INSPIRE `access_constraints` values (stored as JSON list strings).
pub static ACCESS_CONSTRAINTS: &[&str] = &[
    "[]",
    "[\"no limitations\"]",
    "[\"No restrictions to public access\"]",
    "[\"Public Sector End User Licence for INSPIRE applies (http://www.ordnancesurvey.co.uk/business-and-government/public-sector/mapping-agreements/inspire-licence.html)\"]",
    "[\"Restricted to authorised users; personal data are removed before publication\"]",
];

/// ISO 19115 maintenance frequency codes (`frequency-of-update`).
pub static UPDATE_FREQUENCIES: &[&str] = &[
    "annually",
    "asNeeded",
    "notPlanned",
    "monthly",
    "irregular",
    "continual",
    "weekly",
    "quarterly",
    "biannually",
    "daily",
    "unknown",
    "",
];

/// Coordinate reference systems as harvested records spell them.
pub static REFERENCE_SYSTEMS: &[&str] = &[
    "http://www.opengis.net/def/crs/EPSG/0/27700",
    "http://www.opengis.net/def/crs/EPSG/0/27700",
    "http://www.opengis.net/def/crs/EPSG/0/4326",
    "EPSG:27700",
    "urn:ogc:def:crs:EPSG::27700",
    "OSGB 1936 / British National Grid",
];

/// Legacy data.gov.uk `update_frequency` values.
pub static LEGACY_FREQUENCIES: &[&str] = &[
    "annual",
    "monthly",
    "quarterly",
    "weekly",
    "daily",
    "never",
    "discontinued",
    "",
];

/// Legacy `geographic_granularity` values.
pub static GRANULARITIES: &[&str] = &[
    "national",
    "regional",
    "local authority",
    "ward",
    "point",
    "postcode",
    "LSOA",
    "other",
];

/// Geographic levels named in notes.
pub static GEOGRAPHIES: &[&str] = &[
    "LSOA",
    "MSOA",
    "ward",
    "local authority",
    "parliamentary constituency",
    "postcode sector",
    "output area",
    "county",
    "site",
];

/// How often figures are refreshed, as notes phrase it.
pub static CADENCES: &[&str] = &[
    "monthly",
    "quarterly",
    "annually",
    "weekly",
    "every six months",
    "as and when new data becomes available",
    "daily",
];

/// Words carrying diacritics that appear in real notes, for tokeniser/folding coverage.
pub static ACCENTED: &[&str] = &[
    "café", "cafés", "naïve", "rôle", "façade", "Müller", "Zürich", "résumé", "coöperation",
    "São Paulo", "Ynys Môn", "Llŷn",
];

/// Names and brands in CamelCase or with inner punctuation.
pub static BRANDS: &[&str] = &[
    "WiFi", "PowerBI", "OpenStreetMap", "ArcGIS", "QGIS", "GitHub", "E.ON", "SharePoint",
    "PostGIS", "GeoServer", "iPhone", "eBay", "NaPTAN", "AddressBase",
];

/// Given names used in contact names and possessives.
pub static FIRST_NAMES: &[&str] = &[
    "Sarah", "James", "Priya", "Mohammed", "Emma", "David", "Aoife", "Gareth", "Siân", "Chloé",
    "Olu", "Fiona", "Tom", "Zoë", "Hamish", "Rhys",
];

/// Surnames used in contact names and possessives.
pub static SURNAMES: &[&str] = &[
    "Ford", "Patel", "Jones", "O'Brien", "Smith", "Müller", "Williams", "Khan", "MacLeod",
    "Evans", "Nowak", "Davies", "Taylor", "Okafor", "Brown",
];

/// Data groups (CKAN groups) that collect datasets across publishers.
pub static GROUPS: &[(&str, &str)] = &[
    ("local-spending-data", "Local spending data"),
    ("organograms", "Organograms"),
    ("road-safety", "Road safety"),
    ("brownfield-land", "Brownfield land"),
    ("air-quality", "Air quality"),
    ("flood-risk", "Flood risk"),
    ("public-health", "Public health"),
    ("census-2021", "Census 2021"),
    ("open-contracting", "Open contracting"),
    ("energy-efficiency", "Energy efficiency"),
    ("inspire", "INSPIRE"),
    ("core-reference-data", "Core reference data"),
    ("covid-19", "COVID-19"),
    ("transport-statistics", "Transport statistics"),
    ("planning-data", "Planning data"),
    ("net-zero", "Net zero"),
];
