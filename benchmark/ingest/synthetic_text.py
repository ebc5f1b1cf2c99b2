"""The words of the synthetic corpus (:mod:`benchmark.ingest.synthetic`), per language.

Templates use ``{a|b|c}`` for an alternative picked per article (so two outlets
retelling a story use different words) and ``$NAME`` slots filled from the story's
facts: ``$P``/``$Q`` people, ``$PS``/``$QS`` their surnames, ``$O``/``$O2``
organisations, ``$C`` a city, ``$K``/``$K2`` countries, ``$T`` a topic, ``$N`` a
count, ``$M`` an amount, ``$D`` the event's day, ``$Y`` its year, ``$MAG`` a
magnitude. Five event kinds, five languages (en, de, es, fr, ru); English has the
most variants, as in a real crawl.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "de", "es", "fr", "ru")

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
}

#: How a day is written: ``{d}`` day of month, ``{m}`` month name.
DAY_FORMAT: dict[str, tuple[str, ...]] = {
    "en": ("{d} {m}", "{m} {d}"),
    "de": ("{d}. {m}",),
    "es": ("{d} de {m}",),
    "fr": ("{d} {m}",),
    "ru": ("{d} {m}",),
}

COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": ("Belarus", "Russia", "France", "Germany", "Spain", "Brazil", "Kenya", "India",
           "Japan", "Canada", "Poland", "Turkey"),
    "de": ("Weißrussland", "Russland", "Frankreich", "Deutschland", "Spanien", "Brasilien",
           "Kenia", "Indien", "Japan", "Kanada", "Polen", "Türkei"),
    "es": ("Bielorrusia", "Rusia", "Francia", "Alemania", "España", "Brasil", "Kenia",
           "India", "Japón", "Canadá", "Polonia", "Turquía"),
    "fr": ("Biélorussie", "Russie", "France", "Allemagne", "Espagne", "Brésil", "Kenya",
           "Inde", "Japon", "Canada", "Pologne", "Turquie"),
    "ru": ("Белоруссия", "Россия", "Франция", "Германия", "Испания", "Бразилия", "Кения",
           "Индия", "Япония", "Канада", "Польша", "Турция"),
}

TOPICS: dict[str, tuple[str, ...]] = {
    "en": ("energy", "defence", "trade", "agriculture", "transport", "health care",
           "tourism", "technology"),
    "de": ("Energie", "Verteidigung", "Handel", "Landwirtschaft", "Verkehr", "Gesundheit",
           "Tourismus", "Technologie"),
    "es": ("energía", "defensa", "comercio", "agricultura", "transporte", "salud", "turismo",
           "tecnología"),
    "fr": ("énergie", "défense", "commerce", "agriculture", "transports", "santé", "tourisme",
           "technologie"),
    "ru": ("энергетики", "обороны", "торговли", "сельского хозяйства", "транспорта",
           "здравоохранения", "туризма", "технологий"),
}

#: Amount words: ``$M`` is "<number> <word>" (billion / million of a currency).
AMOUNT: dict[str, tuple[str, str]] = {
    "en": ("billion dollars", "million euros"),
    "de": ("Milliarden Dollar", "Millionen Euro"),
    "es": ("millones de dólares", "millones de euros"),
    "fr": ("milliards de dollars", "millions d'euros"),
    "ru": ("млрд долларов", "млн евро"),
}

#: Per language and event kind: headlines, leads (first paragraph), details.
EVENTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "en": {
        "talks": {
            "head": ("$K and $K2 {discuss|agree to expand|seek closer} cooperation in $T",
                     "$PS {meets|holds talks with|hosts} $QS in $C",
                     "$PS {hopeful of|pushes for} stronger $T ties with $K2"),
            "lead": ("$P, {President|Prime Minister|Foreign Minister} of $K, {met|held talks "
                     "with|received} $Q of $K2 in $C on $D, the {press service|government} "
                     "said.",
                     "{Delegations|Officials} from $K and $K2 {met|gathered} in $C on $D to "
                     "{discuss|review} cooperation in $T, led by $P and $Q."),
            "detail": ("The two sides {signed|agreed on|approved} $N joint projects worth $M.",
                       "$PS said $K {was ready to|would} {expand|deepen} cooperation in $T "
                       "{with|together with} $K2.",
                       "$QS {praised|welcomed} the {results|outcome} of the {talks|meeting} and "
                       "invited $PS to visit $K2.",
                       "Trade between $K and $K2 {reached|grew to} $M last year, {officials|the "
                       "ministry} said.",
                       "The next {meeting|round of talks} {is planned|will take place} in $K2 "
                       "{next year|in the autumn}."),
        },
        "deal": {
            "head": ("$O to {buy|acquire|take over} $O2 for $M",
                     "$O {agrees|strikes a deal} to {buy|acquire} rival $O2",
                     "$O2 {sold|agrees to sale} to $O in $M deal"),
            "lead": ("$O {said|announced} on $D it {would|had agreed to} {buy|acquire} $O2 for "
                     "$M, {creating|forming} one of the largest $T groups in $K.",
                     "$O {has agreed|struck a deal} to {take over|acquire} $O2 for $M, chief "
                     "executive $P {said|told reporters} in $C on $D."),
            "detail": ("The deal {is expected to|should} close {by the end of the year|within "
                       "months}, subject to regulatory approval.",
                       "$PS said the {combined company|merged group} would employ about $N "
                       "people.",
                       "$O2 chairman $Q {backed|recommended} the offer to shareholders.",
                       "Shares of $O2 {rose|jumped|climbed} after the announcement in $C.",
                       "{Analysts|Investors} said the $T sector in $K {was consolidating|had "
                       "seen several deals}."),
        },
        "quake": {
            "head": ("{Earthquake|Strong earthquake|Magnitude $MAG quake} {hits|strikes} "
                     "$C, {at least|} $N {dead|killed}",
                     "$N {killed|dead} as {earthquake|quake} {hits|shakes} $K",
                     "Rescuers search for survivors after $C {earthquake|quake}"),
            "lead": ("An earthquake of magnitude $MAG {struck|hit} near $C in $K on $D, "
                     "killing at least $N people, {officials|authorities} said.",
                     "At least $N people {were killed|died} when a magnitude $MAG "
                     "{earthquake|quake} {shook|hit} $C on $D, $P, head of the {emergency "
                     "service|rescue service}, said."),
            "detail": ("{Rescue teams|Rescuers} {were searching|searched} the rubble of "
                       "collapsed buildings in $C.",
                       "$PS said the number of {dead|victims} could rise.",
                       "The {quake|tremor} was felt {as far as|in} $K2, {witnesses|residents} "
                       "said.",
                       "$Q {declared|announced} three days of mourning in $K.",
                       "{Damage|Losses} {were estimated|was put} at $M."),
        },
        "court": {
            "head": ("{Court|Judge} {jails|sentences} $PS to $N years",
                     "$PS {sentenced|jailed} for $N years in $C {trial|case}",
                     "$C court {convicts|finds} $PS {guilty|} in $O case"),
            "lead": ("A court in $C on $D {sentenced|jailed} $P, a former executive of $O, to "
                     "$N years in prison for {fraud|embezzlement}.",
                     "$P was sentenced to $N years on $D after a court in $C found "
                     "{him|the former $O executive} guilty of {fraud|embezzlement}."),
            "detail": ("Judge $Q said the {losses|damage} {amounted to|reached} $M.",
                       "$PS {denied|rejected} the charges and {will|plans to} appeal, his "
                       "lawyer said.",
                       "$O said it {welcomed|noted} the {verdict|ruling}.",
                       "The {trial|case} began in $C {last year|two years ago}.",
                       "Prosecutors had asked for {a longer sentence|more years in prison}."),
        },
        "strike": {
            "head": ("{Thousands of|} $O workers {strike|walk out} over pay in $C",
                     "$N workers {strike|walk out} at $O {plants|sites} in $K",
                     "Strike {halts|hits} $O {production|plants} in $C"),
            "lead": ("About $N workers at $O {went on strike|walked out} in $C on $D, "
                     "{demanding|calling for} higher pay, union leader $P said.",
                     "{Workers|Employees} of $O in $C {began|started} a strike on $D over "
                     "{wages|pay}, with about $N taking part, {the union|$P} said."),
            "detail": ("$PS said the union {wanted|was demanding} a {raise|pay rise} of $MAG "
                       "percent.",
                       "$O manager $Q said the company {had offered|offered} $M in "
                       "{bonuses|extra pay}.",
                       "The strike {halted|stopped} production at {three|several} $O plants.",
                       "Talks between the union and $O {are due|will resume} next week.",
                       "The $T ministry of $K {urged|called on} both sides to {compromise|reach "
                       "a deal}."),
        },
    },
    "de": {
        "talks": {
            "head": ("$K und $K2 {wollen|vereinbaren} engere Zusammenarbeit bei $T",
                     "$PS {trifft|empfängt} $QS in $C"),
            "lead": ("$P, {Präsident|Regierungschef} von $K, {hat|hat am} $D in $C $Q aus $K2 "
                     "{getroffen|empfangen}, teilte die Regierung mit.",),
            "detail": ("Beide Seiten {unterzeichneten|vereinbarten} $N gemeinsame Projekte im "
                       "Wert von $M.",
                       "$PS sagte, $K sei bereit, die Zusammenarbeit bei $T mit $K2 "
                       "{auszubauen|zu vertiefen}.",
                       "Der Handel zwischen $K und $K2 erreichte im vergangenen Jahr $M."),
        },
        "deal": {
            "head": ("$O {kauft|übernimmt} $O2 für $M",),
            "lead": ("$O {will|hat vereinbart,} $O2 für $M {zu kaufen|zu übernehmen}, teilte "
                     "Vorstandschef $P am $D in $C mit.",),
            "detail": ("Das {fusionierte Unternehmen|neue Unternehmen} soll rund $N Mitarbeiter "
                       "beschäftigen.",
                       "Die Aktien von $O2 {stiegen|legten zu} nach der Ankündigung.",
                       "$O2-Chef $Q {unterstützt|empfahl} das Angebot."),
        },
        "quake": {
            "head": ("{Erdbeben|Schweres Erdbeben} in $C: mindestens $N Tote",),
            "lead": ("Ein Erdbeben der Stärke $MAG hat am $D die Region um $C in $K "
                     "erschüttert, mindestens $N Menschen {kamen ums Leben|starben}.",),
            "detail": ("Rettungskräfte suchten in den Trümmern in $C nach Überlebenden.",
                       "$PS sagte, die Zahl der Opfer könne noch steigen.",
                       "Der Schaden wird auf $M geschätzt."),
        },
        "court": {
            "head": ("Gericht in $C verurteilt $PS zu $N Jahren Haft",),
            "lead": ("Ein Gericht in $C hat am $D den früheren $O-Manager $P wegen Betrugs zu "
                     "$N Jahren Haft verurteilt.",),
            "detail": ("Richter $Q bezifferte den Schaden auf $M.",
                       "$PS weist die Vorwürfe zurück und will Berufung einlegen.",
                       "Die Staatsanwaltschaft hatte eine längere Strafe gefordert."),
        },
        "strike": {
            "head": ("Streik bei $O in $C",),
            "lead": ("Rund $N Beschäftigte von $O in $C sind am $D in den Streik getreten, "
                     "sagte Gewerkschaftschef $P.",),
            "detail": ("Die Gewerkschaft fordert $MAG Prozent mehr Lohn.",
                       "$O-Manager $Q sagte, das Unternehmen habe $M angeboten.",
                       "Die Verhandlungen sollen nächste Woche weitergehen."),
        },
    },
    "es": {
        "talks": {
            "head": ("$K y $K2 {acuerdan|buscan} ampliar la cooperación en $T",
                     "$PS se reúne con $QS en $C"),
            "lead": ("$P, presidente de $K, {se reunió|mantuvo conversaciones} con $Q, de $K2, "
                     "en $C el $D, informó el gobierno.",),
            "detail": ("Las dos partes {firmaron|aprobaron} $N proyectos conjuntos por $M.",
                       "$PS dijo que $K está dispuesto a ampliar la cooperación en $T con $K2.",
                       "El comercio entre $K y $K2 alcanzó $M el año pasado."),
        },
        "deal": {
            "head": ("$O {comprará|adquiere} $O2 por $M",),
            "lead": ("$O anunció el $D en $C que {comprará|adquirirá} $O2 por $M, según su "
                     "consejero delegado, $P.",),
            "detail": ("La nueva empresa tendrá unos $N empleados.",
                       "Las acciones de $O2 subieron tras el anuncio.",
                       "El presidente de $O2, $Q, apoyó la oferta."),
        },
        "quake": {
            "head": ("Un terremoto en $C deja al menos $N muertos",),
            "lead": ("Un terremoto de magnitud $MAG sacudió $C, en $K, el $D y causó al menos "
                     "$N muertos, según las autoridades.",),
            "detail": ("Los equipos de rescate buscan supervivientes entre los escombros de $C.",
                       "$PS dijo que la cifra de víctimas podría aumentar.",
                       "Los daños se estiman en $M."),
        },
        "court": {
            "head": ("Un tribunal de $C condena a $PS a $N años de prisión",),
            "lead": ("Un tribunal de $C condenó el $D a $P, exdirectivo de $O, a $N años de "
                     "prisión por fraude.",),
            "detail": ("El juez $Q cifró las pérdidas en $M.",
                       "$PS niega los cargos y recurrirá la sentencia.",
                       "La fiscalía había pedido una pena mayor."),
        },
        "strike": {
            "head": ("Huelga en $O en $C",),
            "lead": ("Unos $N trabajadores de $O en $C iniciaron el $D una huelga para exigir "
                     "mejores salarios, dijo el líder sindical $P.",),
            "detail": ("El sindicato pide una subida del $MAG por ciento.",
                       "El directivo de $O $Q dijo que la empresa ofreció $M.",
                       "Las negociaciones se reanudarán la próxima semana."),
        },
    },
    "fr": {
        "talks": {
            "head": ("$K et $K2 veulent renforcer leur coopération dans $T",
                     "$PS reçoit $QS à $C"),
            "lead": ("$P, président de $K, {a rencontré|s'est entretenu avec} $Q, de $K2, à $C "
                     "le $D, a indiqué le gouvernement.",),
            "detail": ("Les deux parties ont signé $N projets communs d'une valeur de $M.",
                       "$PS a déclaré que $K était prêt à approfondir la coopération dans $T "
                       "avec $K2.",
                       "Les échanges entre $K et $K2 ont atteint $M l'an dernier."),
        },
        "deal": {
            "head": ("$O va racheter $O2 pour $M",),
            "lead": ("$O a annoncé le $D à $C le rachat de $O2 pour $M, a indiqué son "
                     "directeur général, $P.",),
            "detail": ("Le nouvel ensemble comptera environ $N salariés.",
                       "L'action $O2 a bondi après l'annonce.",
                       "Le président de $O2, $Q, a recommandé l'offre."),
        },
        "quake": {
            "head": ("Séisme à $C : au moins $N morts",),
            "lead": ("Un séisme de magnitude $MAG a frappé $C, en $K, le $D, faisant au moins "
                     "$N morts, selon les autorités.",),
            "detail": ("Les secouristes fouillent les décombres à $C.",
                       "$PS a indiqué que le bilan pourrait s'alourdir.",
                       "Les dégâts sont estimés à $M."),
        },
        "court": {
            "head": ("Le tribunal de $C condamne $PS à $N ans de prison",),
            "lead": ("Le tribunal de $C a condamné le $D $P, ancien dirigeant de $O, à $N ans "
                     "de prison pour fraude.",),
            "detail": ("Le juge $Q a évalué le préjudice à $M.",
                       "$PS conteste les faits et va faire appel.",
                       "Le parquet avait requis une peine plus lourde."),
        },
        "strike": {
            "head": ("Grève chez $O à $C",),
            "lead": ("Environ $N salariés de $O à $C se sont mis en grève le $D pour réclamer "
                     "des hausses de salaire, selon le syndicaliste $P.",),
            "detail": ("Le syndicat demande une hausse de $MAG pour cent.",
                       "Le responsable de $O, $Q, a indiqué que l'entreprise avait proposé $M.",
                       "Les négociations reprendront la semaine prochaine."),
        },
    },
    "ru": {
        "talks": {
            "head": ("$K и $K2 расширят сотрудничество в сфере $T",
                     "$PS провел переговоры с $QS в $C"),
            "lead": ("$P {провел переговоры|встретился} с $Q в $C $D, сообщила пресс-служба.",),
            "detail": ("Стороны подписали $N совместных проектов на сумму $M.",
                       "$PS заявил, что $K готова расширять сотрудничество в сфере $T.",
                       "Товарооборот между странами в прошлом году составил $M."),
        },
        "deal": {
            "head": ("$O купит $O2 за $M",),
            "lead": ("Компания $O $D объявила о покупке $O2 за $M, сообщил генеральный "
                     "директор $P в $C.",),
            "detail": ("В объединенной компании будут работать около $N человек.",
                       "Акции $O2 выросли после объявления.",
                       "Председатель совета директоров $O2 $Q поддержал сделку."),
        },
        "quake": {
            "head": ("Землетрясение в $C: не менее $N погибших",),
            "lead": ("Землетрясение магнитудой $MAG произошло $D в районе $C, погибли не менее "
                     "$N человек, сообщили власти.",),
            "detail": ("Спасатели ищут выживших под завалами в $C.",
                       "$PS заявил, что число жертв может вырасти.",
                       "Ущерб оценивается в $M."),
        },
        "court": {
            "head": ("Суд в $C приговорил $PS к $N годам заключения",),
            "lead": ("Суд в $C $D приговорил бывшего руководителя $O $P к $N годам заключения "
                     "за мошенничество.",),
            "detail": ("Судья $Q оценил ущерб в $M.",
                       "$PS не признает вину и намерен обжаловать приговор.",
                       "Прокуратура просила более строгое наказание."),
        },
        "strike": {
            "head": ("Забастовка на $O в $C",),
            "lead": ("Около $N работников $O в $C $D объявили забастовку с требованием "
                     "повысить зарплату, сообщил профсоюзный лидер $P.",),
            "detail": ("Профсоюз требует повышения зарплаты на $MAG процентов.",
                       "Представитель $O $Q заявил, что компания предложила $M.",
                       "Переговоры продолжатся на следующей неделе."),
        },
    },
}

#: Background sentences any story may carry (shared across stories: lexical noise).
FILLER: dict[str, tuple[str, ...]] = {
    "en": ("{Officials|The authorities} did not give further details.",
           "More information {would|is expected to} follow in the coming days, the "
           "{ministry|government} said.",
           "$PS has held {the post|his position} since $Y0.",
           "{Analysts|Observers} said the {move|news} {was expected|came as a surprise}.",
           "The news was first reported by local media in $C.",
           "$C is one of the largest cities in $K.",
           "In $Y0, $K {recorded|reported} growth of $R percent in $T, {official|government} "
           "figures show.",
           "{About|Some} $R people {live|work} in the $C region, {according to|says} the "
           "statistics office.",
           "The {ministry|government} of $K {has spent|spent} $R million on $T since $Y0.",
           "{Earlier this year|Last month}, $PS {visited|travelled to} $K2 for {talks|a "
           "conference} on $T.",
           "The {opposition|main opposition party} {criticised|questioned} the {government's "
           "record|policy} on $T, saying {too little|not enough} had been done since $Y0.",
           "{According to|Figures from} the central bank, {inflation|unemployment} in $K "
           "{stood at|reached} $R percent {last year|in the first quarter}.",
           "{Local|Regional} officials in $C said {roads|schools|hospitals} in the area "
           "{needed|would receive} {new investment|more funding} of about $R million.",
           "{Critics|Some economists} {warn|argue} that $K {depends too much|relies heavily} "
           "on imports from $K2, which {account for|make up} $R percent of the total.",
           "A {spokesman|spokeswoman} for $PS {declined to comment|did not respond to a "
           "request for comment} {on the matter|further}.",
           "{Earlier|Previously}, $K and $K2 {signed|agreed on} a {framework|memorandum} on $T "
           "{in|back in} $Y0.",
           "{Polls|Surveys} show that $R percent of {voters|residents} in $K {support|back} "
           "closer ties with $K2."),
    "de": ("Weitere Einzelheiten wurden nicht bekannt.",
           "$PS ist seit $Y0 im Amt.",
           "$C ist eine der größten Städte in $K.",
           "Die Inflation in $K lag im vergangenen Jahr bei $R Prozent.",
           "Die Opposition kritisierte die Politik der Regierung im Bereich $T.",
           "Rund $R Prozent der Importe von $K stammen aus $K2.",
           "Ein Sprecher von $PS wollte sich nicht äußern."),
    "es": ("No se dieron más detalles.",
           "$PS ocupa el cargo desde $Y0.",
           "$C es una de las mayores ciudades de $K.",
           "La inflación en $K fue del $R por ciento el año pasado.",
           "La oposición criticó la política del gobierno en materia de $T.",
           "Alrededor del $R por ciento de las importaciones de $K proceden de $K2.",
           "Un portavoz de $PS declinó hacer comentarios."),
    "fr": ("Aucun autre détail n'a été communiqué.",
           "$PS occupe ce poste depuis $Y0.",
           "$C est l'une des plus grandes villes de $K.",
           "L'inflation en $K a atteint $R pour cent l'an dernier.",
           "L'opposition a critiqué la politique du gouvernement en matière de $T.",
           "Environ $R pour cent des importations de $K proviennent de $K2.",
           "Un porte-parole de $PS n'a pas souhaité faire de commentaire."),
    "ru": ("Подробности не сообщаются.",
           "$PS занимает эту должность с $Y0 года.",
           "$C является одним из крупнейших городов страны.",
           "Инфляция в стране в прошлом году составила $R процентов.",
           "Оппозиция раскритиковала политику правительства в сфере $T.",
           "Около $R процентов импорта страны приходится на $K2.",
           "Представитель $PS отказался от комментариев."),
}

#: Outlet furniture added around reprints (the cleaner removes some of it, as on the web).
BOILERPLATE: dict[str, tuple[str, ...]] = {
    "en": ("Copyright $Y $OUT. All rights reserved.",
           "Subscribe to our newsletter for the latest news.",
           "Share this article: Facebook Twitter Email",
           "Read more on $OUT"),
    "de": ("Alle Rechte vorbehalten. © $Y $OUT", "Abonnieren Sie unseren Newsletter."),
    "es": ("Todos los derechos reservados. © $Y $OUT", "Suscríbase a nuestro boletín."),
    "fr": ("Tous droits réservés. © $Y $OUT", "Abonnez-vous à notre newsletter."),
    "ru": ("Все права защищены. © $Y $OUT", "Подпишитесь на нашу рассылку."),
}

#: Outlet name patterns per language (``$X`` is a generated place-like word).
OUTLETS: dict[str, tuple[str, ...]] = {
    "en": ("The $X Times", "$X Daily News", "$X Herald", "$X Post", "$X Wire"),
    "de": ("$X Zeitung", "$X Rundschau", "$X Anzeiger"),
    "es": ("Diario de $X", "El Correo de $X", "$X Noticias"),
    "fr": ("Le Journal de $X", "$X Matin", "L'Écho de $X"),
    "ru": ("Вести $X", "$X Новости", "Курьер $X"),
}

FIRST_NAMES: tuple[str, ...] = (
    "Aleksandr", "Dmitry", "Maria", "Anna", "John", "Sarah", "Pierre", "Claire", "Hans",
    "Greta", "Carlos", "Lucia", "Rahul", "Priya", "Kenji", "Yuki", "Amara", "Kofi",
    "Olga", "Ivan", "Marta", "Tomasz", "Emre", "Elif", "Paulo", "Ana", "David", "Laura",
    "Michael", "Sofia", "Peter", "Elena", "Jan", "Nina", "Omar", "Leila",
)
#: Syllables of generated surnames, city and company names (an open-ended pool).
SYLLABLES: tuple[str, ...] = (
    "ka", "ro", "vin", "del", "mar", "tes", "lo", "bra", "ni", "sto", "fer", "gal", "ver",
    "mon", "ta", "ri", "sel", "dor", "ban", "kel", "por", "zen", "lu", "har", "mi", "cas",
    "ten", "bor", "vel", "ga", "sa", "tor",
)
SURNAME_ENDINGS: tuple[str, ...] = ("ov", "enko", "son", "ez", "i", "er", "ski", "an", "ard",
                                    "es", "o", "man")
CITY_ENDINGS: tuple[str, ...] = ("burg", "grad", "ville", "ton", "polis", "ia", "o", "stad",
                                 "ford", "a")
COMPANY_KINDS: tuple[str, ...] = ("Group", "Holdings", "Energy", "Bank", "Motors", "Telecom",
                                  "Steel", "Logistics", "Pharma", "Foods")

#: Latin -> Cyrillic for generated names in Russian articles (digraphs first).
CYRILLIC: tuple[tuple[str, str], ...] = (
    ("sch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ya", "я"), ("yu", "ю"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"),
    ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "й"), ("z", "з"),
)
