"""English questions, German minutes: a council glossary bridges the words.

The dense and sparse heads of the multilingual model cross languages by
themselves, but BM25, the term-coverage signal of abstention and the word
overlap of quote selection compare words. An English question about the
"staff council" shares no word with minutes that say "Personalrat", so those
signals were blind for English questions. This glossary maps the vocabulary of
municipal government (bodies, procedure, budget, posts, IT, city services) to
its German words; ``expand`` turns an English question into groups of German
alternatives, one group per English term, for those word-based signals.

It is domain knowledge, not tuned to any test question: entries are the terms a
council information system uses, including topics the corpus may *not* cover
(dog tax, swimming pools, tickets), because a correct "not covered" needs the
German word to look for as much as an answer does. Words without an entry
(names, "Databox", "SPD") stand for themselves.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

# english term(s) = german words; several English spellings share one line with "/"
_ENTRIES = """
council/city council/municipal council = Rat Stadtrat Gemeinderat Ratsversammlung
committee = Ausschuss Gremium Kommission
finance committee = Finanzausschuss AFBL Ausschuss Finanzen
main committee = Hauptausschuss
commission = Kommission
board = Gremium Beirat Board Vorstand
advisory board = Beirat
school advisory board = Schulbeirat
district council/district = Bezirksvertretung Bezirk Stadtbezirk Stadtteil
staff council/works council = Personalrat
chair/chairman/chairwoman/chairperson/chairs = Vorsitzende Vorsitzender Vorsitz
member/members = Mitglied Mitglieder
mayor/lord mayor = Oberbürgermeister Oberbürgermeisterin Bürgermeister
councillor/councilor/councillors = Ratsmitglied Stadtrat Stadträtin
parliamentary group/group/faction/party/parties = Fraktion Partei Gruppe
administration/administrative/authority/authorities = Verwaltung Stadtverwaltung Behörde
city administration/municipal administration = Stadtverwaltung Verwaltung
office/offices/department/departments/agency = Amt Ämter Dienststelle Dienststellen Fachbereich
head/director/manager/leader/lead = Leiter Leiterin Leitung Dezernent
deputy = Stellvertreter stellvertretend
mayor's office = Oberbürgermeister
meeting/meetings/session/sessions/sitting = Sitzung Sitzungen tagt Tagung
meet/meets/met/convene/convenes = tagt tagen Sitzung zusammentreten
how often/frequency = regelmäßig jährlich quartalsweise monatlich viermal zweimal
agenda/agenda item/item = Tagesordnung TOP Tagesordnungspunkt
minutes = Niederschrift Protokoll
paper/papers/document/documents/submission/report = Vorlage Drucksache Dokument Bericht Unterlage
proposal/proposals/propose/proposed/suggest/suggested/suggestion = Vorschlag vorschlagen schlägt vor
motion/motions/application/request/requests = Antrag Anträge beantragt
request/requested/submit/submitted/apply = beantragen beantragt eingereicht einreichen
resolution/decision/decisions/decide/decided/resolve/resolved = Beschluss beschließt beschlossen Entscheidung entscheiden
adopt/adopted/approve/approved/approval/agree/agreed/accept/accepted = beschlossen zugestimmt Zustimmung einstimmig angenommen beschließt
reject/rejected/rejection = abgelehnt Ablehnung ablehnen
recommend/recommended/recommendation/recommends = empfiehlt empfohlen Empfehlung empfehlen
refer/referred/referral/forward/forwarded = überwiesen überweisen Überweisung verwiesen
postpone/postponed/defer/deferred = vertagt zurückgestellt verschoben
unanimous/unanimously = einstimmig
majority = Mehrheit mehrheitlich
abstain/abstained/abstention/abstentions = Enthaltung enthalten
vote/votes/voted/voting = Abstimmung abgestimmt Stimmen stimmt
debate/discuss/discussed/discussion = Diskussion diskutiert beraten Beratung Aussprache
statement/statements = Aussage Stellungnahme Erklärung
explain/explained/explanation = erläutert erklärt Erläuterung
ask/asked/question/questions/inquiry = fragt Frage Anfrage
answer/answered/reply/response = Antwort antwortet beantwortet
criticise/criticize/criticised/criticized/criticism/criticises/criticizes/critical = kritisiert Kritik kritisch bemängelt
concern/concerns/worry/worries/doubt/doubts = Bedenken Sorge Zweifel
support/supports/supported = unterstützt Unterstützung befürwortet
oppose/opposed/against = gegen dagegen abgelehnt
miss/missing/lack/lacks/lacking = fehlt fehlen vermisst Fehlen
welcome/welcomed/welcomes = begrüßt begrüßen
demand/demands/demanded/call for = fordert Forderung fordern
inform/informed/information = informiert Information Auskunft mitgeteilt
plan/plans/planned/planning = Plan geplant Planung plant
master plan/masterplan = Masterplan
concept/strategy = Konzept Strategie
measure/measures/action/actions = Maßnahme Maßnahmen
goal/goals/aim/aims/objective/objectives/target/targets = Ziel Ziele Zielsetzung
project/projects/pilot = Projekt Projekte Pilotprojekt Pilot
status/state/progress/stand = Stand Sachstand Umsetzung Fortschritt
implementation/implement/implemented/introduction/introduce/introduced/rollout = Umsetzung umgesetzt Einführung eingeführt
responsible/responsibility/in charge/competence/competent = zuständig Zuständigkeit verantwortlich Verantwortung
coordinate/coordinates/coordination/coordinator = koordiniert Koordination Koordinierung
steering group/steering committee = Lenkungsgruppe Lenkungsausschuss
working group/task force = Arbeitsgruppe Arbeitskreis
represented/representative/representatives = vertreten Vertreter Vertreterin
participation/participate/involve/involved = Beteiligung beteiligt einbezogen
citizen/citizens/residents/resident/public = Bürger BürgerInnen Bürgerinnen Einwohner Öffentlichkeit
population/inhabitants = Einwohner Bevölkerung Einwohnerzahl
employee/employees/staff/workforce/personnel = Beschäftigte Mitarbeiter Mitarbeitende Personal Belegschaft
post/posts/position/positions/job/jobs = Stelle Stellen Planstelle Planstellen
greens/the greens/green party/green = Grünen Grüne Bündnis
social democrats/social democratic party = SPD
christian democrats/christian democratic union = CDU
left party/the left = Linke LINKE
liberals/liberal party = FDP
want/wants/wanted/demand/demands/demanded/call for/called for = fordert fordern gefordert möchte wünscht beantragt Antrag
new posts/additional posts = Planstellen Stellen zusätzliche
personnel costs/staff costs = Personalkosten
cost/costs/price/prices/expense/expenses/expenditure/spend/spent = Kosten kostet Preis Ausgaben Aufwand Aufwendungen
money/funds/funding/finance/finances/financial/budget/budgets = Mittel Haushalt Finanzen finanziell Budget Haushaltsmittel
budget consolidation/consolidation = Haushaltskonsolidierung Konsolidierung
package/packages/bundle = Paket Pakete Maßnahmenpaket
financial implications/financial impact/financial effects = finanzielle Auswirkungen Kosten
implication/implications/impact/impacts/effect/effects/consequence/consequences = Auswirkungen Folgen
improve/improved/improvement/improvements = Verbesserung verbessern verbessert
identify/identified/determine/determined = identifiziert ermittelt festgestellt
savings/save/saving = Einsparung Einsparungen einsparen
investment/investments/invest = Investition Investitionen investieren
one-off/one-time = einmalig einmalige
annual/annually/per year/a year/yearly = jährlich pro Jahr Jahr
grant/grants/subsidy/subsidies/subsidise/subsidize = Zuschuss Zuschüsse Förderung gefördert
funding programme/funding program = Förderprogramm Förderung
euro/euros/eur = Euro
million/millions = Millionen Mio
billion = Milliarden Mrd
percent/percentage = Prozent
improvement potential = Verbesserungspotenzial Potenzial
potential = Potenzial
tax/taxes = Steuer Steuern Abgabe
dog tax = Hundesteuer
trade tax/business tax = Gewerbesteuer Hebesatz
property tax = Grundsteuer
fee/fees/charge/charges = Gebühr Gebühren Entgelt
digitalisation/digitalization/digitisation/digitization/digital transformation = Digitalisierung digital
digital = digital digitale Digitalisierung
digital administration/e-government = Digitale Verwaltung E-Government
digital city = digitale Stadt Digitalranking
most digital city = digitalste Stadt Ranking
ranking/rank/ranked/place = Ranking Platz Rang
sustainable/sustainability/sustainably = nachhaltig Nachhaltigkeit nachhaltige
process/processes/procedure/procedures/workflow/workflows = Prozess Prozesse Verfahren Abläufe
administrative process/administrative processes = Verwaltungsprozesse Verwaltungsprozess
memorandum = Memorandum
electronic file/electronic files/e-file/electronic records = E-Akte Akte elektronische
document management/document management system/dms = Dokumentenmanagementsystem DMS Dokumentenmanagement
tender/tendering/invitation to tender/procurement = Ausschreibung Vergabe Vergabeverfahren
provider/providers/supplier/suppliers/vendor/vendors = Anbieter Dienstleister Lieferant Hersteller
select/selected/selection/choose/chosen = ausgewählt Auswahl gewählt
company/companies/firm/business/businesses = Unternehmen Firma Betrieb
american/us = amerikanisch US USA
cloud/cloud provider = Cloud Anbieter
data protection/privacy/gdpr = Datenschutz DSGVO
data protection officer/data protection commissioner = Datenschutzbeauftragte Landesdatenschutzbeauftragte Datenschutzbeauftragter
security/it security/cyber security = Sicherheit IT-Sicherheit Informationssicherheit
video conferencing/video conference/videoconferencing = Videokonferenz Videokonferenzlösung Videokonferenzen
compare/compared/comparison = verglichen Vergleich vergleicht
software/application/applications/app/apps/tool/tools = Software Anwendung Anwendungen App Programm
hardware/devices/device/equipment = Hardware Geräte Gerät Ausstattung
notebook/notebooks/laptop/laptops = Notebook Notebooks Laptop
order/ordered/orders/purchase/purchased/buy/bought = bestellt beschafft Beschaffung gekauft
mobile working/remote work/home office/working from home/telework = mobiles Arbeiten Homeoffice Telearbeit
work/working/workplace = Arbeit Arbeiten Arbeitsplatz
component/components/module/modules = Komponente Modul Baustein
accessibility/accessible/barrier-free = Barrierefreiheit barrierefrei
commissioner/officer = Beauftragte Beauftragter
disability/disabilities/disabled = Behinderung Behinderte Inklusion
school/schools = Schule Schulen
it/information technology = IT Informationstechnik
wifi/wi-fi/wlan/wireless = WLAN
free = kostenlos kostenfrei frei
internet/broadband = Internet Breitband Breitbandausbau
smart city = Smart City SmartCity
approach/approached/contact/contacted = angesprochen herangetreten Kontakt
founded/established/create/created/set up = gegründet eingerichtet geschaffen Gründung
since = seit
when/date = wann Datum
year/years = Jahr Jahre
month/months = Monat Monate
quarter/quarterly = Quartal quartalsweise vierteljährlich
week/weekly = Woche wöchentlich
january = Januar
february = Februar
march = März
april = April
june = Juni
july = Juli
august = August
september = September
october = Oktober
november = November
december = Dezember
change/changes/changed/amend/amended/amendment = Änderung geändert ändern Ergänzung
extend/extended/extension/supplement = Erweiterung erweitert ergänzt Ergänzung
replace/replaced/replacement = ersetzt Ersatz ablösen
training/train/qualification = Schulung Fortbildung Qualifizierung
law/act/regulation/bylaw/statute/ordinance = Gesetz Satzung Verordnung
online access act/ozg = Onlinezugangsgesetz OZG
portal/portals/online service/online services = Portal Portallösungen Onlinedienste
fax/fax machine/fax machines = Fax Telefax Faxgerät
paper/paperless = Papier papierlos
kindergarten/kindergartens/daycare/day care/nursery = Kita Kitas Kindergarten Kindertagesstätte Kindertageseinrichtung
swimming/swimming pool/swimming pools/pool/indoor pool/outdoor pool/baths = Schwimmbad Hallenbad Freibad Bad Bäder schwimmen
bus/buses/tram/trams/public transport = Bus Straßenbahn Stadtbahn ÖPNV Nahverkehr
ticket/tickets/monthly ticket/fare/fares = Ticket Fahrkarte Monatskarte Fahrpreis Tarif
parking/parking permit/car park = Parken Parkausweis Parkplatz Anwohnerparken
car/cars/vehicle/vehicles = Auto Fahrzeug Fahrzeuge Kfz
register/registration = anmelden Anmeldung Zulassung Registrierung
road/roads/street/streets = Straße Straßen
bridge/bridges = Brücke Brücken
renovate/renovated/renovation/refurbish/refurbishment/repair = Sanierung saniert Renovierung
open/opens/opening/opened = öffnet Eröffnung eröffnet geöffnet
opening hours = Öffnungszeiten
christmas market = Weihnachtsmarkt
market/markets = Markt Märkte
zoo = Zoo Tiergarten
park/parks = Park Parks Grünanlage
tree/trees = Baum Bäume
waste/garbage/rubbish/waste collection = Abfall Müll Müllabfuhr Abfallwirtschaft
refugee/refugees/asylum = Flüchtlinge Geflüchtete Asyl
housing/apartment/apartments/flats = Wohnen Wohnungen Wohnraum
rent/rents = Miete Mieten
climate/climate protection = Klima Klimaschutz
energy/solar/solar panels/photovoltaics = Energie Solar Photovoltaik Solaranlagen
football/soccer = Fußball
weather = Wetter
election/elections/local election = Wahl Wahlen Kommunalwahl
mayoral election/mayoral elections/mayor election/election of the mayor = Oberbürgermeisterwahl Oberbürgermeisterwahlen Bürgermeisterwahl
police = Polizei
fire brigade/fire service/fire department = Feuerwehr
hospital/hospitals = Krankenhaus Klinik
library/libraries = Bibliothek Bücherei
culture/cultural/museum/theatre/theater = Kultur Museum Theater
sport/sports = Sport
youth = Jugend Jugendliche
child/children = Kind Kinder
family/families = Familie Familien
senior/seniors/elderly = Senioren ältere
traffic = Verkehr
language/languages/multilingual = Sprache Sprachen mehrsprachig
translation/translate/translated/interpreter = Übersetzung übersetzt Dolmetscher
legal/legally/lawful = rechtlich gesetzlich Recht
legal basis/legal framework/legal frameworks/legal requirements = Rechtsgrundlage Rechtsrahmen rechtliche Rahmenbedingungen Gesetz
framework/frameworks/conditions = Rahmen Rahmenbedingungen
court/courts/judgment/ruling = Gericht Urteil
consultant/consultants/consultancy/adviser/advisers/advisor = Berater Beratung Beratungsunternehmen
external/outside/third party/third parties = extern externe Dritte Drittanbieter
full-time equivalent/full-time equivalents/full time equivalent/full time equivalents/fte = Vollzeitäquivalent Vollzeitäquivalente VZÄ Stellen
staffing/staffing needs/staff requirements/personnel requirements = Personalbedarf Stellenbedarf Personalausstattung Personal
need/needs/requirement/requirements/demand for = Bedarf Bedarfe benötigt erforderlich
vacancy/vacancies/vacant/unfilled = unbesetzt vakant offene Stellen besetzt
recruit/recruitment/hire/hired/hiring = Einstellung eingestellt Personalgewinnung
shortage/shortages/skills shortage = Mangel Fachkräftemangel Engpass
service life/useful life/lifetime/lifespan/life cycle = Nutzungsdauer Lebensdauer Lebenszyklus
classroom/classrooms = Klassenzimmer Klassenraum Fachräume
projector/projectors/whiteboard/whiteboards = Beamer Whiteboard Präsentationsmöglichkeit
teacher/teachers = Lehrer Lehrkräfte Lehrerinnen
pupil/pupils/student/students = Schüler Schülerinnen Studierende
tablet/tablets/ipad/ipads = Tablet Tablets iPad iPads
sensor/sensors = Sensor Sensoren
data/open data = Daten Open Data offene Daten
platform/platforms = Plattform Datenplattform
digital twin/digital twins = Digitaler Zwilling Digitale Zwillinge
server/servers/data centre/data center/computing centre = Server Rechenzentrum
network/networks/fibre/fiber/fibre optic = Netz Netzwerk Glasfaser
email/e-mail/emails = E-Mail Mail
phone/telephone/mobile phone/smartphone = Telefon Handy Smartphone
mailbox/mailboxes/electronic mailbox = Postfach Postfächer
signature/signatures/electronic signature = Unterschrift Signatur elektronische Signatur
citizens' office/citizen service/citizen services/service centre = Bürgerbüro Bürgerservice Bürgerdienste
appointment/appointments = Termin Termine
waiting time/waiting times = Wartezeit Wartezeiten
complaint/complaints = Beschwerde Beschwerden
survey/surveys/poll = Umfrage Befragung
evaluation/evaluate/evaluated/assessment/assess = Bewertung bewertet Evaluation Prüfung
audit/audited/auditor/court of audit/audit office = Rechnungsprüfungsamt RPA Prüfung geprüft
contract/contracts/agreement/agreements = Vertrag Verträge Vereinbarung
cooperation/cooperate/partner/partners/partnership = Kooperation Zusammenarbeit Partner
state/federal state/land = Land Landes Bundesland
federal/federal government = Bund Bundes
region/regional = Region regional
economy/economic/business development = Wirtschaft wirtschaftlich Wirtschaftsförderung
tourism/tourists/visitors = Tourismus Touristen Besucher
health/health care = Gesundheit Gesundheitsamt
care/nursing/nursing home/care home = Pflege Pflegeheim Pflegeeinrichtung
social welfare/welfare/social benefits = Sozialhilfe Sozialleistungen Sozialamt
unemployed/unemployment/jobless = Arbeitslose Arbeitslosigkeit arbeitslos
integration/migration/migrants = Integration Migration Migranten
building/buildings/construction/build/built = Bau Gebäude Bauvorhaben gebaut errichtet
planning permission/building permit/building permits = Baugenehmigung Baugenehmigungen
noise = Lärm
cycling/bicycle/bicycles/bike/bikes/cyclists/cycle lane/cycle lanes = Fahrrad Radverkehr Radfahrende Radweg Radwege
pedestrian/pedestrians/crossing/crossings = Fußgänger Fußgängerinnen Querung Übergang
train/trains/railway/rail = Bahn Zug Eisenbahn
station/stations/stop/stops = Haltestelle Haltestellen Bahnhof
speed/speed limit = Geschwindigkeit Tempo Tempolimit
accident/accidents = Unfall Unfälle
safety/safe = Sicherheit sicher
emergency/emergencies/crisis = Notfall Krise Katastrophenschutz
water/drinking water = Wasser Trinkwasser
heat/heating/district heating = Wärme Heizung Fernwärme
electricity/power = Strom Energie
emissions/co2/carbon = Emissionen CO2 Treibhausgas
environment/environmental = Umwelt Umweltschutz
lighting/street lighting/street lights = Beleuchtung Straßenbeleuchtung
cemetery/cemeteries = Friedhof Friedhöfe
playground/playgrounds = Spielplatz Spielplätze
sports hall/gym/gyms/sports halls = Sporthalle Turnhalle Turnhallen
stadium = Stadion
event/events/festival = Veranstaltung Veranstaltungen Fest
association/associations/club/clubs = Verein Vereine Verband
volunteer/volunteers/voluntary = Ehrenamt ehrenamtlich Ehrenamtliche
women/equality/gender = Frauen Gleichstellung Gender
"""

_en_stemmer = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-zäöüß0-9]+(?:['-][a-z0-9]+)*")
STOP_EN = frozenset(
    """a an the of to in on for and or is are was were be been being by with at from as that
    this these those which what who whom whose when where why how did does do done has have
    had it its about into than then there their they them he she his her we our you your
    i me my can could would should will shall may might must not no yes any some all many
    much more most very also just only new first last so such if whether up out over under
    between during after before per via get got make made give given take taken go going
    tell let like well way thing things there here one two three say says said
    mention mentions mentioned think thinks thought know known""".split()
)


def _stem_en(word: str) -> str:
    return _en_stemmer.stemWord(word)


def _key(words: list[str]) -> tuple[str, ...]:
    return tuple(_stem_en(w) for w in words)


@lru_cache(maxsize=1)
def _table() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    longest = 1
    for line in _ENTRIES.strip().splitlines():
        left, _, right = line.partition("=")
        german = tuple(right.split())
        for phrase in left.split("/"):
            key = _key(_WORD.findall(phrase.strip().lower()))
            if key:
                table[key] = tuple(dict.fromkeys(table.get(key, ()) + german))
                longest = max(longest, len(key))
    return table, longest


def expand(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """(English term, German alternatives) for the content words of ``question``.

    Longest phrases first ("finance committee" before "committee"); a word
    without an entry comes back with no alternatives, standing for itself.
    """
    table, longest = _table()
    words: list[str] = []
    for w in _WORD.findall(question.lower()):
        # "budget-consolidation" is looked up as its words unless listed whole ("one-off")
        parts = w.split("-")
        words.extend(parts if len(parts) > 1 and _key([w]) not in table else [w])
    stems = [_stem_en(w) for w in words]
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            german = table.get(tuple(stems[i : i + n]))
            if german and (n > 1 or words[i] not in STOP_EN):
                out.append((" ".join(words[i : i + n]), german))
                i += n
                break
        else:
            if words[i] not in STOP_EN and len(words[i]) >= 2:
                out.append((words[i], ()))
            i += 1
    return out


def german_words(question: str) -> str:
    """The German alternatives of an English question, as text for word-based retrieval."""
    return " ".join(w for _en, german in expand(question) for w in german)
