"""The safety screen's rules: curated patterns over normalized text (see :mod:`calvados.safety`).

Patterns run on the output of :func:`calvados.safety.normalize`: lowercase, no accents,
contractions expanded ("don't" -> "do not"), punctuation spaced out, apostrophes and hyphens
turned into spaces ("self-harm" -> "self harm", "j'ai" -> "j ai").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    kind: str = "self"  # self | other | mention | auto (self if the clause is first-person)
    unless: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None  # like ``unless``, on the rest of the sentence only
    negatable: bool = False
    intent: bool = False


# ---------------------------------------------------------------------------- shared pieces

SELF = r"myself"
THEM = r"(?:himself|herself|themselves|themself|hisself)"
END = r"(?=\s*(?:[.,!?;:]|$|and\b|but\b|so\b|because\b|anymore\b|any more\b|any longer\b|"\
      r"lol\b|tonight\b|now\b|right now\b))"
RELATION = (
    r"(?:friend|friends|bf|gf|bestie|best friend|buddy|mate|sister|brother|sibling|mom|mum|"
    r"mother|dad|father|parent|parents|son|daughter|kid|kids|child|children|teen|teenager|"
    r"boyfriend|girlfriend|partner|wife|husband|spouse|fiance|fiancee|roommate|flatmate|"
    r"housemate|classmate|coworker|co worker|colleague|student|students|patient|client|"
    r"neighbou?r|cousin|uncle|aunt|grandma|grandpa|grandmother|grandfather|niece|nephew|ex|"
    r"teammate|boss|employee|nephew)"
)
_REL_ROMANCE = (
    r"(?:amig[oa]s?|herman[oa]s?|hij[oa]s?|novi[oa]|pareja|madre|padre|mama|papa|prim[oa]|"
    r"companer[oa]|espos[oa]|marido|mujer|alumn[oa]|vecin[oa]|ti[oa]|abuel[oa]|ami|amie|amis|"
    r"copain|copine|soeur|frere|fille|fils|mere|pere|enfant|collegue|colocataire|cousine?|"
    r"mari|femme|eleve|irma|irmao|filho|filha|amico|amica|freund|freundin|schwester|bruder|"
    r"sohn|tochter)"
)
RELATIVE = c(
    rf"\b(?:my|our)\s+(?:\w+\s+)?{RELATION}\b|\b(?:mi|mis|mon|ma|mes|notre|nuestr[oa]|meu|"
    rf"minha|mio|mia|mein|meine|meinem|meiner)\s+(?:\w+\s+)?{_REL_ROMANCE}\b"
)
FRAMING = c(
    r"\b(?:stor(?:y|ies)|novel|novella|poem|poetry|fiction|fictional|fanfic|fan fiction|"
    r"screenplay|script|plot|chapter|scene|episode|fairy ?tales?|fable|tale|characters?|"
    r"villains?|hero|heroine|protagonist|antagonist|narrator|movie|movies|film|films|book|"
    r"books|play|musical|opera|anime|manga|comics?|video ?games?|game|song|lyrics|tv show|"
    r"series|sitcom|hamlet|romeo|juliet|ophelia|shakespeare|cuento|novela|personaje|villano|"
    r"pelicula|libro|poema|histoire|roman|personnage|mechant|livre|poeme|conte|"
    r"essay|research|paper|report on|statistics|stats|suicide rates?|rates? of suicide|"
    r"article|lecture|thesis|dissertation|documentary|history of|homework|presentation|"
    r"awareness (?:month|week|day|campaign)|prevention (?:month|week|day|training|programs?|"
    r"programmes?|strateg\w*|campaign|research|polic\w*)|epidemiolog\w*|sociolog\w*|"
    r"durkheim|laws?|legal\w*|legislation|debate|ethics|euthanasia|assisted suicide|"
    r"physician assisted|famous|celebrit\w*|musician|poet|writer|author|actor|actress|singer|"
    r"philosoph\w*|camus|hemingway|cobain|plath|van gogh|trivia|quiz|definition|define|"
    r"meaning of|synonym|etymology|the word|textbook|psychology (?:class|course|exam|test)|"
    r"what does (?:\w+ ){1,4}mean|ensayo|investigacion|estadisticas?|articulo|tesis|"
    r"expose|recherche|statistiques?|memoire|(?:did|how did|why did|when did) (?:\w+ ){1,3}"
    r"(?:kill|shoot|hang|drown|poison)(?:ed)? (?:him|her|them)sel(?:f|ves))\b"
)
FORCING = c(r"\b(?:on purpose|deliberately|intentionally|purposely|purposefully|"
            r"to (?:feel something|cope|punish myself|numb)|a proposito|expres|no seriously|"
            r"not joking|"
            r"i am not joking|not kidding|i am not kidding|no joke|for real|i mean it)\b")
NEGATION = c(
    r"(?:\b(?:not|never|no longer)\s+(?:(?:going|about|trying|try|want|wanting|ever|"
    r"really|actually|to|be|been|thinking|of|intend|intending|planning|plan|ready|feeling|"
    r"feel|am|is|was|would|will|do|so|at all|that|seriously|currently|remotely|even)\s+){0,4}"
    r"|\b(?:no|nao|nunca|jamas|non)\s+(?:(?:me|voy|a|quiero|pienso|en|quisiera|estoy|tengo|"
    r"ganas|de|planeo|intento|voglio|vou|quero|penso|em|sono|ho)\s+){0,3}"
    r"|\b(?:ne|n)\s+(?:\w+\s+){0,2}(?:pas|jamais|point)\s+(?:(?:de|envie|a|me|j)\s+){0,2}"
    r"|\b(?:pas|jamais)\s+(?:(?:de|envie|a|me|j|vraiment)\s+){0,2}"
    r"|\b(?:nicht|nie|niemals|kein)\s+)$"
)
INTENT = c(
    r"\b(?:want|wanted|wanting|thinking|thought|think|going to|urge|urges|tempted|might|"
    r"could|should|will|would|plan|planning|planned|considering|fantasi[sz]e|imagine|"
    r"imagining|about to|ready to|wish|feel like|felt like|tried|try|trying|decided|"
    r"dream|dreaming|keep|need|said|says|threatened|threatening|threatens)\b"
)


FIRST_PERSON = c(r"\b(?:i|me|my|myself|am)\b")


def unless(*parts: str) -> re.Pattern[str]:
    return c(r"\b(?:" + "|".join(parts) + r")\b")


_ACCIDENT = (
    r"accident\w*", r"by mistake", r"fell", r"falling", r"slipped", r"tripped", r"shaving",
    r"cooking", r"chopping", r"slicing", r"bandage", r"band aid", r"stitches", r"first aid",
    r"how (?:do|should|can) i (?:treat|clean|stop the bleeding)", r"laughing", r"laughter",
)
_ACCIDENT_AFTER = c(
    r"^ (?:(?:\w+ ){0,3}(?:while|when) (?:i was |i am )?(?:cooking|shaving|chopping|playing|"
    r"running|working out|training|skiing|skating|hiking|climbing|cycling|walking|lifting|"
    r"cleaning|fixing|moving|opening|gardening)|(?:\w+ ){0,2}(?:at|in) (?:the )?(?:gym|game|"
    r"match|practice|training|workout|kitchen)|(?:\w+ ){0,2}(?:playing|skiing|skating|"
    r"running|lifting)|a (?:slice|piece|cup|drink|snack)|some slack|off|in the foot|on (?:a|"
    r"the|some|my|an) (?:\w+ )?(?:paper|knife|glass|oven|stove|pan|iron|kettle|tin|can|fence|"
    r"nail|corner|door|cupboard|shelf|table|edge|rock|bike|saw|blade of grass))"
)
_EFFORT_AFTER = c(
    r"^ (?:(?:\w+ ){0,2}(?:at (?:work|the gym|my job)|working|studying|trying to|to (?:finish|"
    r"meet|get|make|keep|pass)|over (?:this|that|the) (?:project|deadline|exam|essay)|in (?:the|"
    r"this|a) game|with (?:a |my own |the )?grenades?|laughing|with laughter)|in the foot)"
)
_GAME = (r"respawn", r"minecraft", r"fortnite", r"lava", r"video ?game", r"speedrun")
_DIE_IDIOM = (r"(?:of|from) (?:embarrassment|shame|cringe|laughter|laughing|boredom|"
              r"excitement|happiness|cuteness)", r"laughing", r"lol", r"lmao", r"haha\w*",
              r"rofl", r"than", r"hair", r"my hair", r"cross my heart", r"of old age",
              r"peacefully", r"on this hill", r"on that hill", r"in my sleep at", r"old and")
_LEAVING = (r"moving", r"move", r"leaving (?:for|the|my)", r"last day", r"graduat\w*",
            r"retir\w*", r"new job", r"semester", r"trip", r"vacation", r"holiday", r"camp",
            r"(?:to|for) (?:my |the |all my |our )?(?:coworkers?|colleagues?|team|office|"
            r"classmates|students|class|company)")
NUISANCE = (r"noise", r"noisy", r"dogs?", r"barking", r"neighbou?rs?", r"traffic", r"heat",
             r"cold", r"weather", r"commute", r"meetings?", r"homework", r"exams?", r"class",
             r"song", r"music", r"snoring", r"construction", r"rain", r"internet", r"wifi",
             r"printer", r"laptop", r"computer", r"phone", r"code", r"bug", r"hambre", r"calor",
             r"frio", r"trafico", r"ruido", r"bruit", r"chaleur")
_PILLS = (r"(?:pills|tablets|meds|medication|medications|medicine|sleeping pills|painkillers|"
          r"pain killers|tylenol|paracetamol|acetaminophen|ibuprofen|advil|aspirin|xanax|valium|"
          r"benzos|insulin|antidepressants|opioids|oxy|oxycodone|fentanyl|heroin|pastillas|"
          r"pilulas|comprimes|cachets|medicaments|tabletten)")


# ---------------------------------------------------------------------------- rules: English

_EN = [
    Rule("kill_self", c(
        rf"\b(?:kill|killing|killed|kills|murder|murdering|off|offing|unalive|unaliving|hang|"
        rf"hanging|hanged|shoot|shooting|drown|drowning|poison|poisoning|stab|stabbing|"
        rf"electrocute|electrocuting|suffocate|suffocating|strangle|strangling|gas|gassing|"
        rf"overdose|od|suicide|shot) {SELF}\b"),
        after=_EFFORT_AFTER, unless=unless(*_GAME), negatable=True),
    Rule("self_harm_intent", c(
        rf"\b(?:want|wanted|wanting|going|urge|urges|need|needing|tempted|thinking (?:about|of)|"
        rf"think about|thoughts (?:about|of)|feel like|felt like|plan|planning|about|ready|"
        rf"trying not|try not|started|start|keep|kept|been|stop|stopping|addicted|used) "
        rf"(?:to )?(?:hurt|harm|cut|burn|kill|hit|punish|starve|injure|scratch|bruise|"
        rf"mutilate)(?:ing)? {SELF}\b"), negatable=True),
    Rule("self_harm", c(
        rf"\b(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|burned|burnt|scratch|"
        rf"scratching|scratched|hit|hitting|punish|punishing|punished|starve|starving|starved|"
        rf"injure|injuring|injured|bruise|bruising|mutilate|mutilating|bleed|bleeding) "
        rf"{SELF}\b"), unless=unless(*_ACCIDENT, *_GAME), after=_ACCIDENT_AFTER,
        negatable=True),
    Rule("self_harm_again", c(
        r"\b(?:been|am|keep|kept|started|start|was|relapsed|relapsing|back to|caught|"
        r"stop|stopping) cutting(?: again| (?:my|both) (?:arms?|wrists?|legs?|thighs?|skin))?"
        + END), negatable=True),
    Rule("self_harm_urge", c(
        r"\b(?:urge|urges|craving|cravings|temptation|relapse|relapsed|relapsing|clean from|"
        r"free from) (?:\w+ ){0,2}(?:to )?(?:cut|cutting|self harm\w*|burn|burning|hurt myself|"
        r"end it|die|kill)\b")),
    Rule("scars", c(r"\b(?:hide|hiding|cover|covering|hid|covered) (?:up )?(?:my|the) "
                     r"(?:fresh |new )?(?:cuts|scars|self harm scars|wounds|burns)\b")),
    Rule("wrists", c(
        r"\b(?:slit|slitting|slash|slashing|cut|cutting|open|opening|carve|carving) (?:open )?"
        r"(?:my|both|my own) (?:wrists?|throat|veins|arms?|thighs?|legs?)\b"),
        unless=unless(*_ACCIDENT), after=_ACCIDENT_AFTER, negatable=True),
    Rule("suicidal_self", c(
        r"\b(?:having|have|had|get|getting|got|my|with|fighting|struggling with|battling|"
        r"dealing with|experiencing|constant|recurring) (?:\w+ ){0,2}(?:suicidal (?:thoughts|"
        r"ideation|feelings|urges|tendencies)|thoughts (?:of|about) (?:suicide|dying|death|"
        r"killing myself|ending (?:it|my life)))\b"), negatable=True),
    Rule("thinking_of", c(
        r"\b(?:think|thinking|thought|thoughts|considering|consider|contemplating|contemplate|"
        r"planning|dreaming|fantasi[sz]ing|obsessing|googling|looking up|wondering about|"
        r"imagin\w*|picturing|visuali[sz]ing|"
        r"can not stop thinking) (?:about |of |on )?(?:suicide|killing myself|ending (?:it all|"
        r"it|my life|things|everything)|taking my (?:own )?life|dying|death|my death|my funeral|"
        r"not being (?:here|alive|around)|my own (?:funeral|death)|hurting myself|self harm\w*|"
        r"overdos\w*|jumping|"
        r"hanging myself|disappearing forever|not waking up|the easy way out)\b"), kind="auto",
        unless=unless(r"dying (?:my|her|his|the|it) hair", r"hair", r"fabric", r"shirt",
                       r"easter eggs", r"jumping (?:rope|jacks|castle|on|into|in)"),
        negatable=True),
    Rule("plan_death", c(r"\b(?:plan|planned|planning|picked|chosen|chose|set|decided on) "
                          r"(?:a |the )?(?:date|day|time|place|method|way) (?:to|for|when) "
                          r"(?:die|end it|kill myself|my death|i will die|i die)\b|\b(?:plan|"
                          r"planning|planned) (?:my|the) (?:suicide|death|exit)\b|\b(?:have|"
                          r"got|made|making) a plan (?:to|for how to) (?:kill|end|die|take)\b")),
    Rule("know_how", c(r"\bknow (?:exactly )?how i (?:would|will|am going to|could) "
                        r"(?:die|end it|kill myself|do it)\b")),
    Rule("want_die", c(
        r"\b(?:want|wanted|wanting|wish|wished|wishing|hope|hoping|ready|longing|need|needing|"
        r"would like|desire|prefer|deserve|deserving|praying|pray|rather|going to|choose|"
        r"choosing|should) (?:to )?(?:just |really |simply )?(?:die|be dead|not be alive|"
        r"not exist|stop existing|cease to exist|not wake up|never wake up|go to sleep forever|"
        r"sleep forever|end it all|end my life|be gone forever|not be here anymore|"
        r"stop living|stop breathing)\b"), kind="auto",
        unless=unless(*_DIE_IDIOM, r"weekend", r"after this", r"this week",
                       r"living in the past", r"living (?:in|with|like|at)"),
        negatable=True),
    Rule("better_dead", c(r"\b(?:better off|be better|rather be|happier|easier|best) "
                           r"(?:off )?dead\b|\bdeath (?:would be|is|seems|feels like) "
                           r"(?:better|easier|a relief|the only (?:way|answer|option)|"
                           r"my only (?:way|option)|the answer|peaceful)\b|\b(?:dying|being dead) "
                           r"(?:would be|seems|feels) (?:better|easier|a relief|peaceful)\b"),
         unless=unless(r"than", r"zombie", r"game")),
    Rule("rather_die", c(r"\brather (?:die|be dead)\b(?! than)|\brather (?:die|be dead) than "
                          r"(?:live|go on|keep living|be alive|wake up|feel)")),
    Rule("wish_dead", c(
        r"\bwish (?:that )?(?:i|i would|i could) (?:\w+ ){0,3}(?:dead|never been born|not been "
        r"born|never born|not born|not alive|not exist|not existed|disappear forever|vanish "
        r"forever|die|died|stop existing|cease to exist|fall asleep and never|go to sleep and "
        r"never|not wake up|not woken up|disappear|vanish)\b"),
        unless=unless(r"for a (?:week|day|while|weekend|bit|few)", r"on (?:vacation|holiday)",
                       r"to (?:a|the) (?:beach|island|mountains|cabin)",
                       r"from (?:social media|the internet|twitter|instagram|facebook|work|"
                       r"this party|this meeting|class)", r"laughing", r"embarrass\w*", r"lol",
                       r"haha\w*", r"cringe", r"concert", r"show", r"game")),
    Rule("disappear", c(r"\b(?:want|wanna|need|going) to (?:just )?(?:disappear|vanish|fade "
                         r"away)(?: forever| for good| permanently| from this world| and never "
                         r"come back|" + END + r")")),
    Rule("better_without_me", c(
        r"\b(?:better|happier|easier) (?:off )?without me\b|\b(?:better|happier|easier) "
        r"(?:off )?(?:for (?:everyone|everybody|them|all) )?(?:if|when) i (?:just |"
        r"simply )?(?:am|was|"
        r"were) "
        r"(?:dead|gone|not here|not around|not alive|no longer (?:here|around|alive)|never born)\b|"
        r"\bbetter (?:off )?if i (?:died|disappeared|killed myself|did not exist|never existed|"
        r"was never born|were never born)\b"),
        unless=unless(r"if i (?:quit|leave|left|resign|move|moved)", r"quit", r"resign\w*",
                       r"the team", r"the band", r"the company", r"the project", r"at work",
                       r"group chat", r"my ex", r"break ?up", r"broke up", r"on (?:vacation|"
                       r"holiday|a trip)", r"for the weekend")),
    Rule("nobody_miss", c(
        r"\b(?:no one|nobody|noone|no body) (?:would|will|is going to|would even|will even|"
        r"would ever) (?:care|notice|miss me|cry|even notice|mind|come to my funeral)"
        r"(?: if| when|" + END + r")|\b(?:if|when) i (?:die|died|am dead|was dead|were dead|"
        r"disappear|disappeared|killed myself|was gone|were gone|am gone) (?:\w+ ){0,2}"
        r"(?:no one|nobody|noone|no body) (?:would|will)\b"),
        unless=unless(r"party", r"team", r"club", r"job", r"work", r"class", r"group chat",
                       r"meeting", r"if i (?:left|leave|quit|skip|skipped)")),
    Rule("no_reason", c(
        r"\b(?:no|any|what is the|whats the|lost (?:my|the|all)|without (?:a|any)) (?:real )?"
        r"(?:reason|point|purpose|will|desire|meaning) (?:for (?:me|him|her|them) )?(?:to|in|of|"
        r"for) "
        r"(?:live|living|keep "
        r"living|go on|going on|keep going|staying alive|stay alive|be alive|being alive|exist|"
        r"existing|life|my life|wake up|waking up|continue living|carrying on)\b|\bnothing "
        r"(?:left )?to live for\b|\b(?:not|no longer|never) worth (?:living|saving|it any ?more)\b|"
        r"\blife (?:is not|is no longer|isnt|is never) worth (?:it|living)\b|\bpointless to "
        r"(?:live|keep living|go on|be alive)\b|\bno point (?:in )?(?:anything|trying) "
        r"any ?more\b"),
        unless=unless(r"on (?:this|the|a) (?:trip|vacation|tour|date|diet)",
                       r"going on (?:a|the|this|that) ", r"living room",
                       r"(?:going|staying|being) (?:up|in|at|there|here)\b")),
    Rule("cannot_go_on", c(
        r"\b(?:cannot|could not|unable to) (?:go on|keep going|carry on|continue|do this|do it|"
        r"take (?:it|this|this pain|the pain|life)|handle (?:it|this|life)|bear (?:it|this|"
        r"life)|live like this|live this way|stand (?:it|this|being alive|living|myself)|cope)"
        r"(?: like this| this way)?(?: any ?more| any longer)?" + END),
        unless=unless(*NUISANCE, r"the trip", r"boss", r"job", r"work", r"diet", r"game",
                       r"level", r"gym", r"project", r"this (?:week|weather|song)", r"lol")),
    Rule("cannot_live", c(r"\bcannot (?:keep )?(?:living|live) like this\b|\b(?:tired|sick|"
                           r"exhausted|weary) of (?:being alive|existing|living|life|it all|"
                           r"everything|fighting|trying)" + END + r"|\bhate (?:being alive|"
                           r"existing|waking up every ?day)\b|\bdone with (?:life|living|being "
                           r"alive|existing|this world|this life)\b|\bdone with (?:it all|"
                           r"everything)" + END),
         unless=unless(r"(?:life|living) (?:in|at|as|with|on|under|without|here|there|paycheck)",
                        *NUISANCE, r"work", r"job")),
    Rule("end_it", c(
        r"\b(?:end|ending|ended|finish|finishing|stop) (?:it all|my (?:own )?(?:life|existence|"
        r"suffering))\b|\b(?:take|taking|took|end|ending) my (?:own )?life\b(?! (?:back|"
        r"savings|in |into|to the|seriously|for granted|over|apart|more|as it|one step|day by "
        r"day|a day|by the|with))|\bend everything" + END)),
    Rule("end_it_weak", c(
        r"\b(?:want|going|ready|decided|plan|planning|about|need|thinking (?:about|of)|think "
        r"about|just|should|could|will|would|might|like|tempted|mind|"
        r"going to) (?:to )?(?:just )?(?:end|ending|"
        r"finish|finishing) (?:it|things|it all|everything)(?! with| off| here| for (?:the|"
        r"today)| up| on| by| at| before| after| early| now and)(?:" + END + r"| for good| once "
        r"and for all| forever| today| soon| this week| tonight)"),
        unless=unless(r"(?:relationship|boyfriend|girlfriend|marriage|contract|subscription|"
                       r"project|game|meeting|call|season|series|book|movie|chapter|lease|job)"),
        negatable=True),
    Rule("sleep_wake", c(
        r"\b(?:do not|never|no longer) (?:really )?want to (?:wake up|be alive|exist|live|be "
        r"here|be around|go on|keep going|continue|keep living|continue living|be on this "
        r"earth)(?=\s*(?:[.,!?;:]|$|tomorrow|again|ever|any ?more|any longer|ever again|"
        r"in the morning|anymore|today|tonight|and\b|but\b|because\b|like this|after|"
        r"in this world))|\b(?:and|to|hope i|hoping i|wish i would|wish i could|pray i|"
        r"praying i) (?:never|not|do not|will not|would not) (?:to )?wake up(?! early| late| at| "
        r"for| so| on time| before| in time| with)"),
        unless=unless(r"early", r"at \d+", r"before \d+", r"for (?:work|school|class|the|my)",
                       r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                       r"weekends?)s?", r"alarm", r"this early", r"so early", r"in (?:this|"
                       r"that|the) (?:city|town|house|apartment|country|place)")),
    Rule("burden", c(
        r"\b(?:i am|i feel like|i feel|i have become|i have been|just|such|only|nothing but) "
        r"(?:just |such |only |nothing but |a |a huge |a big |the )*burden (?:to|on|for) "
        r"(?:everyone|everybody|my family|my friends|my parents|my kids|my wife|my husband|"
        r"my partner|them|all of them|people|you all|the world)\b|\beveryones burden\b|"
        r"\bi am (?:just )?a waste of (?:space|oxygen|air|life)\b|\b(?:will not|"
        r"am not going to) be "
        r"(?:a problem|a burden|around|here|in (?:anyone s|your) way|bothering (?:anyone|you)) "
        r"(?:for (?:anyone|you|them|everyone) |to (?:anyone|you|them|everyone) )?(?:much|for "
        r"(?:much|very)) longer\b")),
    Rule("goodbye", c(
        r"\b(?:wrote|writing|write|written|left|leaving|finished|drafted|drafting) (?:\w+ ){0,2}"
        r"(?:suicide|goodbye|farewell|final|last) (?:note|letter|message|video)s?\b|"
        r"\b(?:this is|these are|say|saying|said) (?:my )?(?:final|last) (?:goodbye|goodbyes|"
        r"words|message)\b|\bgoodbye (?:forever|cruel world)\b|\bthis is goodbye\b|"
        r"\b(?:giving|gave|give) away (?:all )?(?:of )?my (?:stuff|things|belongings|possessions|"
        r"prized|most prized|pets?|cat|dog|savings)\b"),
        unless=unless(*_LEAVING, r"declutter\w*", r"minimalis\w*", r"charity shop", r"garage "
                       r"sale", r"allerg\w*", r"spring cleaning", r"kondo")),
    Rule("not_here", c(
        r"\b(?:do not|no longer) (?:\w+ ){0,4}want to (?:be here|be alive|exist|live|go on|keep "
        r"going|wake up|be around) any ?more\b|\b(?:want|wish|need) (?:my life|it all|my "
        r"existence) (?:to )?(?:be over|end forever)\b|\b(?:hope|hoping|wish|pray|"
        r"praying) (?:that )?"
        r"i (?:just |would |will )?(?:die|get hit by (?:a|the) \w+|crash|do not wake up|never wake "
        r"up|drop dead)\b"), unless=unless(r"old", r"than", r"of old age", r"laughing", r"lol")),
    Rule("give_up", c(
        r"\b(?:giving up|give up|gave up|given up) on (?:life|living|being alive|staying alive|"
        r"everything and everyone)\b|\bwant (?:out|to check out|to leave this (?:world|earth)|to "
        r"go away forever)(?: permanently| for good| forever| of (?:this |my )?(?:life|world|"
        r"existence))\b|\b(?:going to|want to|about to|will|planning to|plan to|thinking (?:of|"
        r"about)|ready to) (?:take|taking|swallow|swallowing) (?:all|every one) (?:of )?(?:my|the|"
        r"these|those) (?:\w+ )?" + _PILLS + r"\b"),
        unless=unless(r"breakfast", r"with (?:food|water|a meal)", r"in the morning",
                       r"as (?:prescribed|usual)", r"on (?:a|my) trip", r"vacation")),
    Rule("way_out", c(
        r"\bno (?:other )?way out (?:except|but|other than|besides) (?:dying|death|suicide|to "
        r"die|killing myself|ending it)\b|\bonly (?:way out|escape|option|solution|answer) "
        r"(?:left )?(?:is|would be|seems to be) (?:to )?(?:die|dying|death|suicide|kill myself|end "
        r"it)\b|\b(?:dying|death|suicide) (?:is|feels like|seems like|seems) (?:the|"
        r"my) only (?:way "
        r"out|option|escape|solution|answer)\b")),
    Rule("edge", c(
        r"\b(?:on|at|standing on|up on) (?:the|a|this|top of the) (?:roof|rooftop|bridge|ledge|"
        r"balcony|cliff|edge|tracks|railing) (?:\w+ ){0,6}(?:going to|about to|want to|will|ready "
        r"to|gonna) (?:jump|let go|step off|fall)\b|\b(?:high|tall) enough to (?:jump from|jump "
        r"off|die|kill (?:me|myself|you|someone))\b|\b(?:in|inside) (?:my|the) car (?:\w+ ){0,4}"
        r"garage (?:\w+ ){0,4}(?:engine|motor) (?:running|on)\b|\b(?:pills|tablets|rope|noose|"
        r"gun|razor|razors|blades?) (?:are |is )?(?:in my hand|in front of me|lined up|counted "
        r"out|laid out|next to me|on my lap)\b")),
    Rule("skin", c(
        r"\b(?:cut|cutting|burn|burning|burned|burnt|scratch|scratching|carve|carving|hit|"
        r"hitting|punch|punching|bite|biting|stab|stabbing) (?:into )?my (?:own )?(?:skin|arms?|"
        r"wrists?|thighs?|legs?|stomach|body|chest|hips?) (?:\w+ ){0,2}(?:with (?:a |my )?"
        r"(?:cigarettes?|lighter|razors?|blades?|knife|scissors|compass|glass|matches|hot "
        r"(?:spoon|metal|knife))|until (?:it|they|i) (?:bleeds?|bruises?)|on purpose|again|to "
        r"feel)\b|\b(?:want|wanted|need|needing|urge|urges|tempted|craving) to (?:cut|self harm|"
        r"burn)(?: again| so bad(?:ly)?| really bad(?:ly)?| right now| tonight|" + END + r")")),
    Rule("overdose_self", c(r"\bi (?:\w+ ){0,3}(?:tried|trying|try|attempted|want|wanted|going|"
                             r"planning|plan|thinking about|think about) (?:to )?(?:overdose|od|"
                             r"overdosing)\b")),
    Rule("overdose_other", c(r"\b(?:tried|trying|tries|attempted|attempt|want|wants|wanted|"
                              r"going|planning|plans|threatened|threatening) to (?:overdose|od)\b|"
                              r"\b(?:overdosed|oded|took an overdose)\b"), kind="other",
         unless=unless(r"caffeine", r"coffee", r"sugar", r"candy", r"chocolate", r"lol")),
    Rule("suicide_note", c(r"\bsuicide (?:note|letter|plan|attempt|pact)s?\b"),
         kind="mention"),
    Rule("how_to_die", c(
        r"\b(?:how|ways?|best way|easiest way|quickest way|fastest way|painless way|painlessly|"
        r"methods?|places?) (?:to|of|i could|i can|for me to) (?:die|kill myself|end (?:my|it|it "
        r"all|my life)|commit suicide|suicide|overdose|hang myself|od|not wake up|stop my heart|"
        r"bleed out|slit my wrists|disappear forever)\b"),
        unless=unless(r"hair", r"fabric", r"shirt", r"clothes", r"eggs", r"easter",
                       r"minecraft", r"in (?:the )?game", r"respawn", r"achievement", r"speedrun",
                       r"video ?game")),
    Rule("how_much_lethal", c(
        r"\bhow (?:many|much|high|far|tall|deep|long|fast|hard|big) (?:\w+ ){0,5}(?:to|would|"
        r"will|does it take to|do i need to|"
        r"before|until|till|can|could|is|are) (?:\w+ ){0,2}(?:die|kill (?:me|myself|a person|"
        r"someone|a human|you)|overdose|od|be (?:fatal|lethal|deadly)|fatal|lethal|deadly|stop "
        r"(?:my|the|a|your) heart|not wake up)\b|\b(?:lethal|fatal|deadly|toxic) (?:dose|amount|"
        r"quantity|overdose|number of)\b"),
        unless=unless(r"plants?", r"fish", r"cats?", r"dogs?", r"pets?", r"puppy", r"kitten",
                       r"horse", r"bacteria", r"germs?", r"weeds?", r"mosquito\w*", r"ants?",
                       r"bugs?", r"pests?", r"virus", r"battery", r"rats?", r"mice", r"mouse",
                       r"cockroach\w*", r"grass", r"trees?", r"cells?", r"vet\w*", r"zombies?")),
    Rule("pills", c(
        r"\b(?:took|take|taking|swallow|swallowed|swallowing|downed|down|chug|chugged|"
        r"overdose|overdosed|overdosing|od|stockpil\w*|hoard\w*|saving up|save up|collecting|"
        r"counted out|lined up) (?:\w+ ){0,3}(?:whole|entire|bottles?|handfuls?|too many|bunch|"
        r"boxe?s?|packs?|strips?|stash|\d{2,}|all (?:the|my|of my|of the) (?:\w+ )?" + _PILLS +
        r" (?:at once|together|i have|i had|i could find|in the (?:house|cabinet)|left)) "
        r"(?:\w+ ){0,3}" + _PILLS + r"\b|\b(?:overdose|overdosed|overdosing|od) on\b|"
        r"\b(?:stockpiling|hoarding|saving up|saving|collecting) (?:my |up )?" + _PILLS + r"\b"),
        unless=unless(r"accident\w*", r"by mistake", r"vitamins?", r"gumm(?:y|ies)",
                       r"doctor (?:said|told|prescribed)", r"as prescribed", r"pharmacy",
                       r"refill", r"for (?:my|the) (?:trip|vacation|travel)", r"pill organi[sz]er",
                       r"caffeine", r"coffee", r"sugar", r"candy", r"chocolate", r"netflix",
                       r"tv", r"anime", r"carbs", r"cuteness", r"memes", r"drama", r"sun",
                       r"k ?pop", r"work", r"love")),
    Rule("jump", c(
        r"\b(?:jump|jumping|jumped|throw myself|throwing myself|threw myself|leap|leaping) "
        r"(?:off|from) (?:\w+ ){0,3}(?:bridge|building|roof|rooftop|balcony|cliff|tower|"
        r"overpass|ledge|window|floor|parking (?:garage|structure|deck)|skyscraper)\b|"
        r"\b(?:jump|jumping|jumped|throw myself|throwing myself|threw myself|step|stepping|"
        r"stepped|walk|walking|walked|lie down|lay down|lying down|run|running|dive|diving) "
        r"(?:in front of|under|onto|into) (?:\w+ ){0,2}(?:train|trains|bus|truck|lorry|cars?|"
        r"subway|metro|tram|oncoming traffic|traffic|tracks|train tracks|railway|highway|"
        r"freeway|motorway|the (?:sea|ocean) and)\b|\b(?:drive|driving|drove|crash|crashing|"
        r"steer|steering|swerve|swerving) (?:my car |the car |my bike |my motorcycle )?(?:off "
        r"(?:a|the) (?:\w+ )?(?:bridge|cliff|road|overpass)|into (?:a|the|oncoming) (?:\w+ )?"
        r"(?:tree|wall|truck|traffic|lake|river|ocean|sea|pillar|barrier|bridge))\b"),
        kind="self", intent=True,
        unless=unless(r"into (?:the )?(?:pool|lake|water|river|sea|ocean)(?! and)", r"bungee",
                       r"parachute", r"skydiv\w*", r"base jump\w*", r"diving board", r"for fun",
                       r"as a kid", r"when i was", r"swim\w*", r"surf\w*", r"ferry", r"boat",
                       r"puddle", r"in traffic", r"traffic jam", r"dream\w*", r"video ?game",
                       r"in (?:the )?game", r"parkour", r"stunt")),
    Rule("ledge", c(r"\b(?:standing|sitting|i am|i am standing|i am sitting) (?:\w+ ){0,2}"
                     r"(?:on|at) (?:the|a) (?:edge of (?:the|a) (?:roof|bridge|building|cliff|"
                     r"balcony)|ledge|bridge railing|railing of (?:the|a) bridge)\b")),
    Rule("weapon", c(
        r"\b(?:gun|pistol|revolver|rifle|shotgun|barrel|knife|blade|razor) (?:to|in|against|"
        r"into|on) my (?:head|mouth|temple|throat|wrists?|chest|heart|neck)\b|\b(?:blow|blowing) "
        r"my (?:brains|head) (?:out|off)\b|\bbullet (?:in|through|into) my (?:head|brain|skull|"
        r"mouth|heart)\b|\b(?:rope|belt|cord) (?:around|round) my neck\b|\bnoose\b|\bexit bag\b|"
        r"\b(?:run|running|ran) (?:the|my) car in (?:the|a|my) (?:\w+ )?garage\b|\bcarbon "
        r"monoxide (?:\w+ ){0,2}(?:in|from) my (?:car|garage)\b|\b(?:the|my|these) (?:pills|"
        r"rope|noose|gun|razor|blades?) (?:are |is )?(?:in my hand|in front of me|lined up|"
        r"counted out|laid out)\b"),
        unless=unless(r"hangman", r"knot tying", r"sailing", r"fishing", r"halloween",
                       r"prop", r"costume", r"western")),
    Rule("means_bought", c(
        r"\b(?:bought|buying|buy|got|get|getting|ordered|ordering|have|own|keep|kept|hid|hide|"
        r"hiding|hidden) (?:\w+ ){0,2}(?:rope|gun|pistol|revolver|rifle|shotgun|razors?|razor "
        r"blades?|blades?|pills|rat poison|poison|charcoal|helium|nitrogen) (?:\w+ ){0,3}"
        r"(?:to (?:end|kill|die|do it|hang|use on myself|finish)|for (?:myself|when i|the end|"
        r"my death)|so i can (?:end|die|kill|do it)|in case i (?:decide|want|need))\b")),
    Rule("scared_act", c(
        r"\b(?:scared|afraid|worried|terrified|frightened) (?:\w+ ){0,3}i (?:might|will|would|"
        r"could|am going to|may) (?:do something (?:stupid|drastic|dangerous|to myself)|act on "
        r"(?:it|these thoughts|my thoughts|them|the urges?)|not make it through the night|"
        r"try again|end it)\b")),
    Rule("kms", c(r"(?<!\d )(?<!\d)\bkms\b(?! (?:per|away|from|to|of|a |an |drive|driving|walk|"
                   r"walking|run|running|ride|riding|hike|hiking|long|further|north|south|east|"
                   r"west|a day|an hour))")),
    Rule("mention", c(r"\b(?:suicid\w*|sui ?cid\w*|sewer ?slide|suizid\w*|selbstmord\w*|"
                       r"unalive\w*|sewerslide|"
                       r"self ?harm\w*|self ?injur\w*|self ?mutilat\w*|autolesion\w*|"
                       r"automutilation|scarifi\w*|ritzen|lebensmude|mich (?:umbringen|"
                       r"umzubringen|zu toten|"
                       r"toten|selbst toten|ritzen|aufhangen))\b"),
         kind="mention", negatable=True,
         unless=c(r"\bsuicide (?:squad|doors?|missions?|runs?|drills?|sprints?|lines|burn|"
                   r"kings?|lane|bomb\w*|attacks?|vests?|blonde|girls|silence|switch|"
                   r"seat|cocktail|soda|wings)\b|\b(?:political|career|social|commercial|"
                   r"financial|electoral|professional|brand|corporate|fashion|cultural|"
                   r"economic|class) (?:suicide|suicidio)\b|\bsuicid\w* (?:politico|profesional|"
                   r"social|comercial|financiero|politique|commercial|professionnel)\b|"
                   r"\bsuicidal tendencies\b")),
]

# ---------------------------------------------------------------------------- rules: others

_OTHER = [
    Rule("other_kill_self", c(
        rf"\b(?:kill|killing|killed|kills|hang|hanging|hanged|shoot|shooting|shot|drown|"
        rf"drowning|hurt|hurting|hurts|harm|harming|harms|cut|cutting|cuts|burn|burning|burns|"
        rf"starve|starving|starves|poison|poisoning|off|offing|unalive|unaliving|overdose|od|"
        rf"stab|stabbing|end|ending) {THEM}\b"),
        kind="other", unless=unless(*_ACCIDENT, *_GAME), negatable=True,
        after=c(_ACCIDENT_AFTER.pattern + "|" + _EFFORT_AFTER.pattern)),
    Rule("other_end_life", c(r"\b(?:end|ending|ended|take|taking|took) (?:his|her|their) "
                              r"(?:own )?li(?:fe|ves)\b(?! (?:back|savings|in |into|seriously|"
                              r"for granted|over|apart|more))"), kind="other"),
    Rule("other_wants_die", c(
        rf"\b(?:he|she|they|him|her|them|{RELATION}|someone|somebody) (?:\w+ ){{0,4}}"
        r"(?:wants|want|wanted|wanting|wishes|wished|keeps saying|says|said|told me|tells me|"
        r"talks about|talking about|talked about|threatens|threatened|threatening|is going|"
        r"are going|plans|planned|planning|is thinking|are thinking|thinks|thought|mentioned|"
        r"tried|tries|attempted|keeps talking about|posted|wrote|texted) (?:\w+ ){0,3}"
        r"(?:to die|to end it|to end it all|dying|being dead|ending it|ending it all|not being "
        r"(?:here|alive|around)|not waking up|to not wake up|to disappear forever|to kill "
        rf"{THEM}|killing {THEM}|suicide|self ?harm\w*|(?:he|she|they) (?:was|were) dead|"
        r"better off dead|(?:he|she|they) (?:does|do) not want to (?:live|be alive|wake up|"
        r"exist))\b"),
        kind="other",
        unless=unless(r"at home", r"in peace", r"peacefully", r"with dignity", r"hospice",
                       r"palliative", r"old age", r"comfortably", r"hair", r"of (?:embarrassment"
                       r"|laughter|boredom)", r"laughing", r"in (?:the|a|his|her) (?:game|dream)"),
        negatable=True),
    Rule("other_better_without", c(
        r"\b(?:says|said|saying|thinks|believes|told me|tells me|keeps saying|feels|wrote|"
        r"posted|texted) (?:that )?(?:everyone|we|everybody|the world|they|people|his family|"
        r"her family|their family|we all) (?:would|will|are|is) (?:be )?(?:better|happier) "
        r"(?:off )?without (?:him|her|them)\b|\b(?:he|she|they) (?:is|are|feels?|thinks?) "
        r"(?:just )?(?:a|such a) burden (?:to|on) (?:everyone|us|the family|everybody)\b"),
        kind="other"),
    Rule("other_worried", c(
        r"\b(?:worried|scared|afraid|concerned|terrified|fear|fearing|frightened|panicking|"
        r"panicked|think|suspect)\b (?:\w+ ){0,6}(?:might|will|could|would|is going to|are "
        r"going to|may|is about to) (?:\w+ )?(?:hurt (?:him|her|them)sel(?:f|ves)|harm "
        r"(?:him|her|them)sel(?:f|ves)|do something (?:stupid|drastic|dangerous|terrible|to "
        r"(?:him|her|them)sel(?:f|ves))|try (?:it )?again|attempt (?:it )?(?:again|suicide)|end "
        r"it|end (?:his|her|their) life|not make it through the night)\b"),
        kind="other", unless=unless(r"exam", r"test", r"interview", r"audition", r"driving",
                                     r"next year", r"contest", r"race")),
    Rule("other_cutting", c(
        rf"\b(?:{RELATION}|he|she|they) (?:\w+ ){{0,3}}(?:has been|have been|is|are|was|keeps|"
        r"started|been|caught (?:him|her|them)) (?:self ?harming|cutting|burning (?:him|her|"
        r"them)sel(?:f|ves)|starving (?:him|her|them)sel(?:f|ves))(?: again| (?:his|her|their) "
        r"(?:arms?|wrists?|legs?|thighs?))?" + END), kind="other"),
    Rule("other_goodbye", c(
        r"\b(?:he|she|they) (?:\w+ ){0,2}(?:gave|giving|is giving|gives) away (?:all )?(?:of )?"
        r"(?:his|her|their) (?:stuff|things|belongings|possessions)\b|\b(?:he|she|they|"
        + RELATION + r") (?:\w+ ){0,2}(?:posted|wrote|left|sent|texted|shared) (?:me )?(?:a |an |"
        r"his |her |their )?(?:goodbye|farewell|suicide|final) (?:note|letter|message|video)\b|"
        r"\b(?:he|she|they) "
        r"(?:\w+ ){0,2}(?:said|says|texted|wrote) (?:a )?goodbye to (?:everyone|everybody|us|"
        r"all of us)\b|\b(?:his|her|their) (?:suicide|goodbye) note\b"),
        kind="other", unless=unless(*_LEAVING)),
]

ENGLISH: tuple[Rule, ...] = (*_EN, *_OTHER)
