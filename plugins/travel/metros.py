"""Reference data the place index adds to ``airportsdata``: metropolitan areas and hubs.

``airportsdata`` knows every airport and its city, but not which cities share airports
(Newark serves New York) nor which airport of a city is the one people mean. These
tables fill that gap; everything else (names, coordinates, time zones) comes from the
airport data itself.
"""

from __future__ import annotations

# code -> (city name, country, member airports (main first), extra names)
METROS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "NYC": ("New York", "US", ("JFK", "EWR", "LGA"), ("new york city", "manhattan", "newark")),
    "LON": ("London", "GB", ("LHR", "LGW", "STN", "LTN", "LCY", "SEN"), ()),
    "PAR": ("Paris", "FR", ("CDG", "ORY", "BVA"), ()),
    "CHI": ("Chicago", "US", ("ORD", "MDW"), ()),
    "WAS": ("Washington", "US", ("IAD", "DCA", "BWI"), ("washington dc", "dc")),
    "TYO": ("Tokyo", "JP", ("HND", "NRT"), ()),
    "OSA": ("Osaka", "JP", ("KIX", "ITM"), ()),
    "SEL": ("Seoul", "KR", ("ICN", "GMP"), ()),
    "BJS": ("Beijing", "CN", ("PEK", "PKX"), ("peking",)),
    "SHA": ("Shanghai", "CN", ("PVG", "SHA"), ()),
    "BKK": ("Bangkok", "TH", ("BKK", "DMK"), ()),
    "JKT": ("Jakarta", "ID", ("CGK", "HLP"), ()),
    "IST": ("Istanbul", "TR", ("IST", "SAW"), ()),
    "MOW": ("Moscow", "RU", ("SVO", "DME", "VKO"), ()),
    "MIL": ("Milan", "IT", ("MXP", "LIN", "BGY"), ("milano",)),
    "ROM": ("Rome", "IT", ("FCO", "CIA"), ("roma",)),
    "STO": ("Stockholm", "SE", ("ARN", "BMA", "NYO"), ()),
    "BER": ("Berlin", "DE", ("BER",), ()),
    "SAO": ("Sao Paulo", "BR", ("GRU", "CGH", "VCP"), ()),
    "RIO": ("Rio de Janeiro", "BR", ("GIG", "SDU"), ("rio",)),
    "BUE": ("Buenos Aires", "AR", ("EZE", "AEP"), ()),
    "YTO": ("Toronto", "CA", ("YYZ", "YTZ"), ()),
    "YMQ": ("Montreal", "CA", ("YUL",), ("montréal",)),
    "DTT": ("Detroit", "US", ("DTW",), ()),
    "HOU": ("Houston", "US", ("IAH", "HOU"), ()),
    "DFW": ("Dallas", "US", ("DFW", "DAL"), ("dallas-fort worth", "fort worth")),
    "CTU": ("Chengdu", "CN", ("CTU", "TFU"), ()),
    "TPE": ("Taipei", "TW", ("TPE", "TSA"), ()),
}

# Busy passenger airports, roughly by region. A city holding one of these wins a name
# clash (Sydney AU over Sydney CA), and these are the airports the sandbox flies from.
HUBS: tuple[str, ...] = tuple(
    """
    ATL DFW DEN ORD LAX JFK LAS MCO MIA CLT SEA PHX EWR SFO IAH BOS FLL MSP LGA DTW PHL
    SLC BWI DCA SAN IAD TPA BNA AUS MDW HNL DAL PDX STL RDU HOU SMF MSY SJC SNA MCI OAK
    SAT RSW CLE IND PIT CVG CMH JAX BDL ANC OGG ABQ BUR PBI MKE OMA BUF RIC SDF ONT LGB
    YYZ YVR YUL YYC YEG YOW YWG YHZ
    MEX CUN GDL MTY TIJ BOG GRU CGH GIG SDU SCL LIM EZE AEP PTY SJO SJU UIO MDE VCP BSB
    CNF SSA REC POA FOR CUR HAV MVD ASU VVI SDQ PUJ MBJ NAS
    LHR CDG AMS FRA IST MAD BCN MUC FCO LGW SAW PMI ORY DUB ZRH CPH OSL ARN VIE LIS DUS
    MXP BER MAN STN HEL ATH BRU PRG WAW GVA HAM AGP NCE LTN EDI BUD OTP LYS MRS NAP VCE
    BLQ BGY LIN KRK GOT OPO FAO ALC VLC SVQ BIO LPA TFS PMO CTA BHX BRS GLA LCY RIX VNO
    TLL SOF BEG ZAG LJU KEF SVO DME VKO LED TBS EVN GYD CGN STR HAJ NUE BSL LUX SPU DBV
    MLA LCA
    DXB DOH AUH JED RUH TLV AMM BAH MCT KWI CAI JNB CPT ADD NBO LOS ACC CMN RAK TUN ALG
    DAR DSS ABJ
    HND NRT KIX ITM CTS FUK OKA PEK PKX PVG SHA CAN SZX CTU TFU KMG XIY CKG HGH XMN NKG
    WUH CSX TAO HKG MFM TPE TSA ICN GMP PUS CJU SIN KUL CGK DPS BKK DMK HKT CNX SGN HAN
    DAD MNL CEB DEL BOM BLR MAA HYD CCU COK GOI AMD PNQ CMB MLE KTM DAC KHI LHE ISB ULN
    ALA TAS
    SYD MEL BNE PER ADL OOL CBR AKL CHC WLG NAN PPT
    """.split()
)

# Display names for cities whose airport data names a suburb or a local spelling.
RENAME: dict[str, str] = {
    "FRA": "Frankfurt", "NAP": "Naples", "VCE": "Venice", "SVQ": "Seville",
    "BEG": "Belgrade", "YVR": "Vancouver", "PTY": "Panama City", "MDE": "Medellin",
    "CUR": "Curacao", "MLA": "Malta", "DSS": "Dakar", "CTS": "Sapporo", "OKA": "Okinawa",
    "XIY": "Xi'an", "MFM": "Macau", "OGG": "Maui", "BDL": "Hartford", "CVG": "Cincinnati",
    "SNA": "Orange County", "CEB": "Cebu", "GOI": "Goa", "DPS": "Bali",
    "LPA": "Gran Canaria", "TFS": "Tenerife", "RDU": "Raleigh-Durham", "BSL": "Basel",
    "PMI": "Palma de Mallorca", "COK": "Kochi", "ULN": "Ulaanbaatar",
    "LED": "Saint Petersburg", "FLR": "Florence", "NCE": "Nice",
}

# More names people use for a city (airport -> names), including local spellings.
ALIASES: dict[str, tuple[str, ...]] = {
    "PTY": ("panama",), "MLA": ("valletta",), "XIY": ("xian",), "MFM": ("macao",),
    "DPS": ("denpasar",), "LPA": ("las palmas",), "RDU": ("raleigh", "durham"),
    "BSL": ("mulhouse",), "PMI": ("palma", "mallorca", "majorca"), "DEL": ("delhi",),
    "BLR": ("bengaluru",), "MLE": ("male", "maldives"), "MSP": ("saint paul",),
    "CJU": ("jeju",), "KRK": ("krakow", "cracow"), "LAX": ("la",), "SFO": ("sf",),
    "SGN": ("saigon",), "BOM": ("bombay",), "MAA": ("madras",), "CCU": ("calcutta",),
    "MUC": ("munchen", "muenchen"), "CGN": ("koln", "koeln"), "VIE": ("wien",),
    "PRG": ("praha",), "WAW": ("warszawa",), "CPH": ("kobenhavn",), "ATH": ("athina",),
    "GVA": ("geneve", "genf"), "BRU": ("bruxelles", "brussel"), "LIS": ("lisboa",),
    "FLR": ("firenze",), "HKG": ("hongkong",), "DXB": ("dubayy",),
    "PHL": ("philly",), "HPN": ("westchester", "westchester county", "white plains"),
    "LAS": ("vegas",), "MSY": ("nola",), "DFW": ("dallas fort worth", "dfw airport"),
}

# Country names people use that the ISO table spells differently.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US",
    "america": "US", "south korea": "KR", "korea": "KR", "czechia": "CZ",
    "holland": "NL", "the netherlands": "NL", "uae": "AE", "russian federation": "RU",
}

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "DC": "District of Columbia",
}

# Provinces and states people put after a city outside the US (a qualifier names the country).
REGIONS: dict[str, str] = {
    "ontario": "CA", "quebec": "CA", "british columbia": "CA", "alberta": "CA",
    "manitoba": "CA", "saskatchewan": "CA", "nova scotia": "CA", "new brunswick": "CA",
    "newfoundland": "CA", "prince edward island": "CA", "bc": "CA",
    "new south wales": "AU", "nsw": "AU", "victoria": "AU", "queensland": "AU",
    "western australia": "AU", "south australia": "AU", "tasmania": "AU",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "bavaria": "DE", "catalonia": "ES", "andalusia": "ES", "tuscany": "IT", "sicily": "IT",
    "provence": "FR", "brittany": "FR", "normandy": "FR",
}
