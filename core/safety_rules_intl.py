"""The safety screen's rules in Spanish, French, Portuguese, Italian and German.

Same form as :mod:`calvados.safety_rules` (patterns over normalized text: no accents,
apostrophes turned into spaces).
"""

from __future__ import annotations

from .safety_rules import END, ENGLISH, NUISANCE, Rule, c, unless

_ROMANCE_NEG = r"(?!(?:pas|jamais|plus|nicht|nie) )"
_ES_FR_IDIOM = (r"de (?:la |el )?(?:risa|verguenza|hambre|sueno|ganas|calor|frio|aburrimiento|"
                r"pena|amor|"
                r"cansancio)", r"el pelo", r"el cabello", r"las unas", r"la barba", r"el flequillo",
                r"de (?:rire|honte|chaud|froid|faim|fatigue)", r"d ennui", r"les cheveux",
                r"la frange", r"les ongles", r"la barbe",
                r"a la tache", r"au travail", r"a force de", r"en (?:conduisant|roulant)",
                r"(?:en finir )?avec (?:ce|cette|ces|le|la|les|mon|ma|mes|son|sa) (?:projet|"
                r"travail|boulot|devoir|dossier|rapport|tache|corvee|examen|menage|lessive|"
                r"relation|histoire|serie|livre|jeu)", r"haare", r"capelli", r"cabelo")

ROMANCE = [
    Rule("es_self", c(
        r"\b(?:quiero|quisiera|queria|deseo|desearia|tengo ganas de|ganas de|voy a|pienso en|"
        r"pensando en|he pensado en|planeo|prefiero|necesito|me gustaria|intente|intento) "
        + _ROMANCE_NEG + r"(?:\w+ )?(?:morir(?:me)?|matarme|suicidarme|quitarme la vida|acabar con "
        r"(?:mi vida|todo)|terminar con (?:mi vida|todo)|desaparecer para siempre|dejar de "
        r"existir|no despertar(?:me)?|estar muert[oa]|hacerme dano|lastimarme|cortarme|"
        r"ahorcarme|tirarme (?:de|del|por|a|al|bajo)|tomarme todas las pastillas)\b"
        r"|\bme (?:quiero|voy a|gustaria|quisiera|dan ganas de) (?:morir|matar|suicidar|cortar|"
        r"ahorcar|tirar (?:de|del|por|al|a la|bajo)|quitar la vida|lastimar|hacer dano)\b"),
        unless=unless(*_ES_FR_IDIOM), negatable=True),
    Rule("es_no_live", c(
        r"\bno (?:quiero|quiere|quieres|quieren|deseo|desea) (?:seguir )?(?:vivir|viviendo|"
        r"existir|estar viv[oa])"
        r"(?! (?:en|con|aqui|alli|ahi|cerca|lejos|solo|sola|asi en))\b|\bno (?:quiero|deseo) "
        r"(?:despertar(?:me)?|amanecer)\b|\bya no (?:puedo|aguanto|soporto) mas\b|\bno "
        r"(?:aguanto|soporto) mas (?:esta vida|vivir|mi vida)\b|\bno (?:tengo|hay|encuentro|le "
        r"veo) (?:ninguna |ningun |una )?(?:razon|razones|motivo|motivos|sentido|proposito) "
        r"(?:para|de|a|en) (?:vivir|seguir|la vida|existir|seguir viviendo|mi vida)\b|\b(?:la "
        r"vida|mi vida|vivir) no (?:vale|tiene) (?:la pena|sentido)\b"),
        unless=unless(r"temprano", r"a las", r"tan pronto", *NUISANCE, r"jefe", r"trabajo",
                       r"examen", r"deberes", r"tarea")),
    Rule("es_without_me", c(
        r"\b(?:estarian|estaria|serian|seria|vivirian|estan|estariais) (?:\w+ ){0,2}(?:mejor|mas "
        r"felices|feliz) sin mi\b|\bmejor (?:para (?:todos|todo el mundo|mi familia|ellos) )?(?:si|"
        r"cuando) (?:yo )?(?:(?:estuviera|estuviese|este|estoy|fuera) muert[oa]|me muriera|"
        r"desapareciera|no existiera|no estuviera)\b|\b(?:ojala|desearia|"
        r"quisiera) (?:que )?(?:estuviera|"
        r"estuviese|estar|no haber|nunca haber|no hubiera|nunca hubiera|no existir|no existiera|"
        r"morir|morirme) ?(?:muert[oa]|nacido)?\b|\bsoy una carga para (?:todos|mi familia)\b")),
    Rule("es_self_harm", c(
        r"\b(?:me (?:he|estoy|sigo|vuelvo a)|he estado|estoy|sigo|volvi a) (?:\w+ )?(?:cortando|"
        r"cortado|lastimando|lastimado|haciendo dano|hecho dano|autolesionando|quemando)"
        r"(?: (?:a )?mi mism[oa]| otra vez| los brazos| las munecas| las piernas)?" + END),
        unless=unless(*_ES_FR_IDIOM, r"cocinando", r"sin querer", r"por accidente",
                       r"accidentalmente", r"con (?:un|el|una|la) (?:cuchillo|papel|vidrio|"
                       r"cristal|hoja)", r"el dedo"), negatable=True),
    Rule("es_other", c(
        r"\b(?:se (?:quiere|va a|piensa|intento|ha intentado|trato de) (?:matar|suicidar|quitar "
        r"la vida|morir|cortar|ahorcar|hacer dano|lastimar)|quiere (?:matarse|suicidarse|"
        r"quitarse la vida|morirse|hacerse dano|cortarse)|(?:habla|hablando|amenaza|amenazando) "
        r"(?:de|con) (?:matarse|suicidarse|quitarse la vida|morirse|suicidio)|se (?:esta|ha "
        r"estado|sigue) (?:cortando|autolesionando|lastimando|haciendo dano)|(?:intento|trato "
        r"de) (?:matarse|suicidarse|quitarse la vida)|se (?:hace|hizo|esta haciendo) dano)\b"),
        kind="other", unless=unless(*_ES_FR_IDIOM, r"de risa", r"jugando", r"se cayo",
                                     r"sin querer", r"accidente\w*"), negatable=True),
    Rule("fr_self", c(
        r"\b(?:veux|voudrais|vais|pense a|envie d(?:e)?|compte|dois|prefererais|aimerais|"
        r"besoin d(?:e)?|"
        r"reve de|songe a|essaye de|essaie de|j ai essaye de|tente de) " + _ROMANCE_NEG +
        r"(?:\w+ )?(?:mourir|me tuer|me suicider|en finir|me foutre en l air|me faire du mal|me "
        r"blesser|me couper|me scarifier|me pendre|me jeter (?:d un|du|sous|par)|sauter (?:d un|"
        r"du|par)|disparaitre pour toujours|ne plus (?:me reveiller|exister|vivre|etre la)|"
        r"mettre fin a (?:mes jours|ma vie)|me donner la mort|m ouvrir les veines|me mutiler|"
        r"dormir pour toujours)\b"),
        unless=unless(*_ES_FR_IDIOM), negatable=True),
    Rule("fr_no_live", c(
        r"\b(?:ne )?(?:veux|voudrais|peux) plus (?:vivre|exister|continuer|me reveiller)\b|"
        r"\bplus envie de (?:vivre|rien|me reveiller)\b|\b(?:aucune|plus de|pas de) raisons? "
        r"de vivre\b|\bla vie ne vaut (?:pas|plus) (?:la peine|le coup)\b|\b(?:serai(?:en)?t|"
        r"seraient|irait|iraient) (?:\w+ ){0,2}mieux sans moi\b|\bmieux sans moi\b|\bje (?:suis|"
        r"me sens) (?:un|une) (?:fardeau|poids) pour (?:tout le monde|ma famille|les autres)\b|"
        r"\bj en peux plus de (?:vivre|la vie)\b|\bmettre fin a (?:mes jours|ma vie)\b|"
        r"\bme (?:suis|suis encore) (?:scarifie|coupe|fait du mal)e?" + END),
        unless=unless(*_ES_FR_IDIOM, r"ici", r"dans (?:cette|ce) (?:ville|pays|appartement)",
                       r"sans moi (?:a|au|pour) (?:la|le) (?:fete|soiree|reunion|match)")),
    Rule("fr_other", c(
        r"\b(?:veut|va|menace de|parle de|pense a|a essaye de|essaye de|a tente de) (?:se "
        r"(?:tuer|suicider|foutre en l air|faire du mal|pendre|scarifier|couper)|mourir|en "
        r"finir)\b|\bse (?:scarifie|mutile|fait du mal|font du mal|coupe les (?:bras|poignets|"
        r"veines))\b"),
        kind="other", unless=unless(*_ES_FR_IDIOM), negatable=True),
    Rule("pt_it_de", c(
        r"\b(?:quero|queria|vou|penso em|pensando em|vontade de) (?:\w+ )?(?:morrer|me matar|"
        r"matar me|me suicidar|tirar (?:a )?minha vida|acabar com (?:a )?minha vida|sumir para "
        r"sempre)\b|\bnao (?:quero|aguento) mais viver\b|\b(?:estariam|ficariam|seriam) "
        r"(?:\w+ )?(?:melhor|mais felizes) sem mim\b|\b(?:voglio|vorrei|penso di|sto pensando "
        r"di|ho voglia di) (?:\w+ )?(?:morire|uccidermi|ammazzarmi|suicidarmi|togliermi la vita|"
        r"farla finita|farmi del male|tagliarmi)\b|\bnon voglio piu vivere\b|\b(?:sarebbero|"
        r"starebbero) (?:\w+ )?(?:meglio|piu felici) senza di me\b|\b(?:will|mochte|moechte|"
        r"werde|wurde|wuerde|denke daran|wunsche|wuensche) " + _ROMANCE_NEG + r"(?:\w+ ){0,2}"
        r"(?:sterben|mich umbringen|mich toten|mir das leben nehmen|nicht mehr leben|nicht mehr "
        r"aufwachen|mich ritzen|mich verletzen)\b|\b(?:will|mochte|kann) nicht mehr leben\b|"
        r"\bohne mich (?:waren|waeren) (?:\w+ )?besser dran\b"),
        unless=unless(*_ES_FR_IDIOM), negatable=True),
]


RULES: tuple[Rule, ...] = (*ENGLISH, *ROMANCE)
