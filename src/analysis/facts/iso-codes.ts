/**
 * ISO code tables, frozen here because a list is only "country or language codes" when its
 * values really are such codes: `ask`, `zed` or `sdk` compared with an environment value are
 * words, not places. Taken from Debian's iso-codes 4.15 (ISO 3166-1 and ISO 639-2 as published
 * by their maintenance agencies); a new country code is rare enough that a frozen table is safe.
 */

/** ISO 3166-1: every assigned alpha-2 code with its alpha-3 twin. */
const COUNTRIES =
  'AD:AND AE:ARE AF:AFG AG:ATG AI:AIA AL:ALB AM:ARM AO:AGO AQ:ATA AR:ARG AS:ASM AT:AUT AU:AUS ' +
  'AW:ABW AX:ALA AZ:AZE BA:BIH BB:BRB BD:BGD BE:BEL BF:BFA BG:BGR BH:BHR BI:BDI BJ:BEN BL:BLM ' +
  'BM:BMU BN:BRN BO:BOL BQ:BES BR:BRA BS:BHS BT:BTN BV:BVT BW:BWA BY:BLR BZ:BLZ CA:CAN CC:CCK ' +
  'CD:COD CF:CAF CG:COG CH:CHE CI:CIV CK:COK CL:CHL CM:CMR CN:CHN CO:COL CR:CRI CU:CUB CV:CPV ' +
  'CW:CUW CX:CXR CY:CYP CZ:CZE DE:DEU DJ:DJI DK:DNK DM:DMA DO:DOM DZ:DZA EC:ECU EE:EST EG:EGY ' +
  'EH:ESH ER:ERI ES:ESP ET:ETH FI:FIN FJ:FJI FK:FLK FM:FSM FO:FRO FR:FRA GA:GAB GB:GBR GD:GRD ' +
  'GE:GEO GF:GUF GG:GGY GH:GHA GI:GIB GL:GRL GM:GMB GN:GIN GP:GLP GQ:GNQ GR:GRC GS:SGS GT:GTM ' +
  'GU:GUM GW:GNB GY:GUY HK:HKG HM:HMD HN:HND HR:HRV HT:HTI HU:HUN ID:IDN IE:IRL IL:ISR IM:IMN ' +
  'IN:IND IO:IOT IQ:IRQ IR:IRN IS:ISL IT:ITA JE:JEY JM:JAM JO:JOR JP:JPN KE:KEN KG:KGZ KH:KHM ' +
  'KI:KIR KM:COM KN:KNA KP:PRK KR:KOR KW:KWT KY:CYM KZ:KAZ LA:LAO LB:LBN LC:LCA LI:LIE LK:LKA ' +
  'LR:LBR LS:LSO LT:LTU LU:LUX LV:LVA LY:LBY MA:MAR MC:MCO MD:MDA ME:MNE MF:MAF MG:MDG MH:MHL ' +
  'MK:MKD ML:MLI MM:MMR MN:MNG MO:MAC MP:MNP MQ:MTQ MR:MRT MS:MSR MT:MLT MU:MUS MV:MDV MW:MWI ' +
  'MX:MEX MY:MYS MZ:MOZ NA:NAM NC:NCL NE:NER NF:NFK NG:NGA NI:NIC NL:NLD NO:NOR NP:NPL NR:NRU ' +
  'NU:NIU NZ:NZL OM:OMN PA:PAN PE:PER PF:PYF PG:PNG PH:PHL PK:PAK PL:POL PM:SPM PN:PCN PR:PRI ' +
  'PS:PSE PT:PRT PW:PLW PY:PRY QA:QAT RE:REU RO:ROU RS:SRB RU:RUS RW:RWA SA:SAU SB:SLB SC:SYC ' +
  'SD:SDN SE:SWE SG:SGP SH:SHN SI:SVN SJ:SJM SK:SVK SL:SLE SM:SMR SN:SEN SO:SOM SR:SUR SS:SSD ' +
  'ST:STP SV:SLV SX:SXM SY:SYR SZ:SWZ TC:TCA TD:TCD TF:ATF TG:TGO TH:THA TJ:TJK TK:TKL TL:TLS ' +
  'TM:TKM TN:TUN TO:TON TR:TUR TT:TTO TV:TUV TW:TWN TZ:TZA UA:UKR UG:UGA UM:UMI US:USA UY:URY ' +
  'UZ:UZB VA:VAT VC:VCT VE:VEN VG:VGB VI:VIR VN:VNM VU:VUT WF:WLF WS:WSM YE:YEM YT:MYT ZA:ZAF ' +
  'ZM:ZMB ZW:ZWE';

/** ISO 639-1 languages with their ISO 639-2 codes (terminology first, bibliographic after `/`). */
const LANGUAGES =
  'aa:aar ab:abk ae:ave af:afr ak:aka am:amh an:arg ar:ara as:asm av:ava ay:aym az:aze ba:bak ' +
  'be:bel bg:bul bh:bih bi:bis bm:bam bn:ben bo:bod/tib br:bre bs:bos ca:cat ce:che ch:cha co:cos ' +
  'cr:cre cs:ces/cze cu:chu cv:chv cy:cym/wel da:dan de:deu/ger dv:div dz:dzo ee:ewe el:ell/gre ' +
  'en:eng eo:epo es:spa et:est eu:eus/baq fa:fas/per ff:ful fi:fin fj:fij fo:fao fr:fra/fre fy:fry ' +
  'ga:gle gd:gla gl:glg gn:grn gu:guj gv:glv ha:hau he:heb hi:hin ho:hmo hr:hrv ht:hat hu:hun ' +
  'hy:hye/arm hz:her ia:ina id:ind ie:ile ig:ibo ii:iii ik:ipk io:ido is:isl/ice it:ita iu:iku ' +
  'ja:jpn jv:jav ka:kat/geo kg:kon ki:kik kj:kua kk:kaz kl:kal km:khm kn:kan ko:kor kr:kau ks:kas ' +
  'ku:kur kv:kom kw:cor ky:kir la:lat lb:ltz lg:lug li:lim ln:lin lo:lao lt:lit lu:lub lv:lav ' +
  'mg:mlg mh:mah mi:mri/mao mk:mkd/mac ml:mal mn:mon mr:mar ms:msa/may mt:mlt my:mya/bur na:nau ' +
  'nb:nob nd:nde ne:nep ng:ndo nl:nld/dut nn:nno no:nor nr:nbl nv:nav ny:nya oc:oci oj:oji om:orm ' +
  'or:ori os:oss pa:pan pi:pli pl:pol ps:pus pt:por qu:que rm:roh rn:run ro:ron/rum ru:rus rw:kin ' +
  'sa:san sc:srd sd:snd se:sme sg:sag si:sin sk:slk/slo sl:slv sm:smo sn:sna so:som sq:sqi/alb ' +
  'sr:srp ss:ssw st:sot su:sun sv:swe sw:swa ta:tam te:tel tg:tgk th:tha ti:tir tk:tuk tl:tgl ' +
  'tn:tsn to:ton tr:tur ts:tso tt:tat tw:twi ty:tah ug:uig uk:ukr ur:urd uz:uzb ve:ven vi:vie ' +
  'vo:vol wa:wln wo:wol xh:xho yi:yid yo:yor za:zha zh:zho/chi zu:zul';

/**
 * Language codes that are also everyday English or programming words (`cat`, `sin`, `div`,
 * `nav`, `run`), and country codes that are SQL or English words (`AND`, `CAN`): a list of such
 * values says nothing about a place, so they are not counted as codes.
 */
const WORDS: ReadonlySet<string> = new Set(
  (
    'and are arg arm ava ave bis can cat che chi com cor cos dan div dom fin fre fry ger gre hat her ice ido ' +
    'ina ind kan kin lat lim lin lit mac mal mar may mon nav nor oss pan per pol por que run san sin sun ' +
    'tam tat tel ton vol'
  ).split(' '),
);

const ALPHA2_COUNTRIES = new Set<string>();
const ALPHA3_COUNTRIES = new Map<string, string>();
for (const pair of COUNTRIES.split(' ')) {
  const [alpha2, alpha3] = pair.split(':');
  if (alpha2 === undefined || alpha3 === undefined) continue;
  ALPHA2_COUNTRIES.add(alpha2);
  if (!WORDS.has(alpha3.toLowerCase())) ALPHA3_COUNTRIES.set(alpha3, alpha2);
}

const ALPHA2_LANGUAGES = new Set<string>();
const ALPHA3_LANGUAGES = new Set<string>();
for (const entry of LANGUAGES.split(' ')) {
  const [alpha2, alpha3s] = entry.split(':');
  if (alpha2 === undefined || alpha3s === undefined) continue;
  ALPHA2_LANGUAGES.add(alpha2);
  for (const alpha3 of alpha3s.split('/')) if (!WORDS.has(alpha3)) ALPHA3_LANGUAGES.add(alpha3);
}

/**
 * The ISO 3166-1 alpha-2 country a code names: an alpha-2 code in either case (`ru`, `RU`) or an
 * upper-case alpha-3 code (`RUS`); null for anything else. Lower-case alpha-3 is left out: in
 * lower case three letters are far more often a word or an ISO 639 language code.
 */
export function countryOfCode(value: string): string | null {
  if (value.length === 2) {
    const upper = value.toUpperCase();
    return ALPHA2_COUNTRIES.has(upper) ? upper : null;
  }
  if (value.length === 3) return ALPHA3_COUNTRIES.get(value) ?? null;
  return null;
}

/** An ISO 639-1 code in either case (`ru`, `RU`), or a lower-case ISO 639-2 code of such a language (`rus`). */
export function isLanguageCode(value: string): boolean {
  if (value.length === 2) return ALPHA2_LANGUAGES.has(value.toLowerCase());
  if (value.length === 3) return ALPHA3_LANGUAGES.has(value);
  return false;
}

export function isCountryOrLanguageCode(value: string): boolean {
  return countryOfCode(value) !== null || isLanguageCode(value);
}

/** Country-code top-level domains outside ISO 3166-1 that still name a place. */
const EXTRA_COUNTRY_TLDS: ReadonlySet<string> = new Set(['uk', 'su', 'eu', 'ac']);

/** A country-code TLD, without its dot, in either case (`ru`, `UK`, `su`). */
export function isCountryCodeTld(label: string): boolean {
  const lower = label.toLowerCase();
  return lower.length === 2 && (ALPHA2_COUNTRIES.has(lower.toUpperCase()) || EXTRA_COUNTRY_TLDS.has(lower));
}
