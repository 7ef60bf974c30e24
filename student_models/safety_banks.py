"""Seed phrases for the safety detector's training data, by language and kind.

Each bank is a list of core statements (the short lists here, and longer hand-written lists
in ``data/safety_seeds/``); :mod:`safety_data` wraps them in openers and closers,
joins them with context turns and perturbs them (typos, slang, case). Every fifth seed of
each list is held out for the generated part of the test set, so test statements never
appear in training.

Crisis kinds: ``direct``, ``passive`` (pointlessness, wishing not to wake up), ``means``
(a method or its means named without a suicide word), ``prep`` (preparations), ``farewell``
(a goodbye with a time), ``selfharm``, ``third`` (someone else at risk).
Calm kinds: ``idiom``, ``fiction`` (stories, study, news), ``sad`` (distress without risk:
emotional but not a crisis), ``benign`` (looks like a means or a preparation but is not).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

SEEDS_DIR = Path(__file__).parent / "data" / "safety_seeds"

CRISIS_KINDS = ("direct", "passive", "means", "prep", "farewell", "selfharm", "third")
CALM_KINDS = ("idiom", "fiction", "sad", "benign")

EN: dict[str, list[str]] = {
    "direct": [
        "I want to kill myself", "I'm going to end my life", "I want to die",
        "I'm thinking about suicide", "I've decided to take my own life",
        "I keep planning how I'd kill myself", "I'm going to end it all tonight",
        "I tried to overdose last month and I want to try again", "I want to commit suicide",
        "I'm seriously thinking of ending my life", "I just want to be dead",
        "I'm going to do it, I'm going to kill myself", "suicide feels like the only way out",
        "I have suicidal thoughts every day", "I'm ready to die",
        "I keep thinking about killing myself", "I want to end my life this week",
        "I attempted suicide before and the feeling is back",
        "I wish I had the courage to end my life", "I'm planning to take my life",
    ],
    "passive": [
        "I don't see the point in living anymore", "I don't see a reason to live",
        "I wish I could fall asleep and never wake up", "what's the point of being alive",
        "I don't want to be here anymore", "everyone would be better off without me",
        "I want to disappear forever", "I'm so tired of existing",
        "I can't keep living like this", "nothing matters and I don't want to go on",
        "I wish I had never been born", "it would be easier if I just wasn't around",
        "I don't want to exist anymore", "I hope I don't wake up tomorrow",
        "there's no reason for me to keep going", "I'm a burden to everyone and they'd be "
        "happier without me", "life isn't worth living for me", "I just want everything to stop "
        "for good", "I wouldn't mind if a car hit me", "I keep hoping something kills me",
        "I've lost every reason to stay alive", "I wish I could go to sleep forever",
        "nobody would even notice if I was gone", "I'm done with life",
        "I can't see a future where I'm still here", "I want to stop existing",
        "I don't think I can survive another day of this", "the world would be better without me",
        "I'd rather not be alive", "I give up on living",
    ],
    "means": [
        "I've been collecting my pills for weeks", "I have enough sleeping pills saved up now",
        "I bought a rope today and I know what it's for", "there's a gun in the house and I "
        "keep thinking about using it on myself", "I keep looking down from the bridge on my way "
        "home and thinking about jumping", "I stood on the roof of my building last night "
        "thinking about stepping off", "I looked up how many tablets it would take",
        "I sat in the garage with the engine running", "I've been stockpiling my medication",
        "I keep staring at the train tracks when the train comes", "I found my dad's gun and "
        "loaded it", "I've tied the knot already, it's in my closet", "I counted my pills and "
        "I have enough", "I've been googling the highest bridges near me",
        "I keep thinking about driving my car into a wall", "I saved up all my antidepressants "
        "instead of taking them", "I have a bottle of pills and a bottle of vodka ready",
        "I want to jump off the balcony", "I bought a razor blade and it's in my drawer",
        "I keep holding the knife against my wrist", "I know which cliff I'd go to",
        "I've been researching painless ways to go", "I'm on the top floor of the parking garage "
        "and I want to jump", "I got a handgun last week and nobody knows",
        "I put the rope over the beam to see if it holds",
    ],
    "prep": [
        "I've written goodbye letters to my family", "I'm giving all my things away",
        "I found a new home for my cat so she'll be looked after when I'm gone",
        "I wrote my will even though I'm only 19, just in case it's soon",
        "I deleted all my accounts, it won't matter soon", "I paid off my debts so nobody is "
        "left with them after me", "I've been saying my goodbyes to everyone",
        "I gave my guitar and my books to my friends, I won't need them",
        "I wrote a note for whoever finds me", "I've been putting my affairs in order so my "
        "family won't have to", "I made a list of who gets my stuff",
        "I told my sister where my passwords are, for after", "I'm returning everything I "
        "borrowed before the end", "I've chosen the date", "I set up an email that sends "
        "itself after I'm gone", "I wrote a letter explaining why I did it",
        "I cancelled everything for next month because I won't be here",
        "I gave my dog to my neighbour for good, I won't be around to care for him",
        "I've made peace with it and written my goodbyes",
        "I recorded a video for my kids to watch after I'm gone",
    ],
    "farewell": [
        "after this weekend you won't have to worry about me",
        "this is my last night", "tell my mom I'm sorry", "thank you for everything, goodbye "
        "forever", "by tomorrow it'll all be over", "this is the last time you'll hear from me",
        "I won't be around after tonight", "goodbye, I love you all, I'm sorry",
        "I just wanted to say goodbye before I go tonight", "by Friday I'll be gone for good",
        "don't look for me tomorrow", "this is my last message to anyone",
        "I won't make it to my birthday and that's fine", "after today no one will have to deal "
        "with me", "I'm saying goodbye now while I still can", "you won't hear from me after "
        "Sunday", "please tell my brother I loved him", "it ends tonight",
        "I won't be here next week", "this is goodbye",
    ],
    "selfharm": [
        "I cut myself again last night", "I burn my arms to feel something",
        "I relapsed and started cutting again", "I hit myself until I bruise",
        "I hide the scars under long sleeves", "I've been hurting myself on purpose",
        "I scratch my skin until it bleeds", "I want to cut so badly right now",
        "I starve myself as a punishment", "I banged my head against the wall until it bled",
        "the only thing that helps is hurting myself", "I self harm when it gets too much",
        "I carved into my thigh", "I keep a blade in my pencil case for when it gets bad",
        "I punched the wall until my knuckles broke because I deserve the pain",
        "I've been self-harming for a year", "I want to hurt myself",
        "I took too many pills on purpose yesterday", "I make myself bleed to calm down",
        "I burned myself with a lighter again",
    ],
    "third": [
        "my friend told me she wants to kill herself", "my son said he doesn't want to live "
        "anymore", "my girlfriend has been cutting herself", "my brother is talking about "
        "ending his life", "my best friend sent me a goodbye message and isn't answering",
        "my dad said we'd be better off without him", "my roommate has been stockpiling pills",
        "my daughter wrote a suicide note", "my husband said he's going to end it all",
        "a student in my class told me he wants to die", "my mom keeps saying she wants to "
        "disappear forever", "my friend is on a bridge and says she'll jump",
        "my partner is hurting himself again", "my sister gave away all her things and said "
        "goodbye", "my coworker said he has a gun and doesn't see the point anymore",
    ],
    "idiom": [
        "this traffic is killing me", "I'm dying to see that movie",
        "I could die of embarrassment", "my phone is dead", "kill the server process",
        "I'd kill for a coffee right now", "that joke killed me", "the suspense is killing me",
        "I'm dead tired", "my feet are killing me", "I nearly died laughing",
        "this homework is the death of me", "I'd rather die than wear that sweater",
        "kill all running python processes", "my car died on the highway",
        "I'm dying of boredom in this meeting", "you're killing it at work",
        "that exam was murder", "my laptop battery is dying", "we killed it at the gig",
        "I'm so hungry I could die", "if I have to sit through another meeting I'll scream",
        "I want to kill my alarm clock", "drop dead gorgeous dress", "my plants are dying, help",
        "the deadline is going to kill me", "I'm done with this spreadsheet",
        "I'm going to kill my brother for eating my fries", "ugh shoot me now, another Monday",
        "this song slaps so hard I'm dead",
    ],
    "fiction": [
        "write a story where the villain dies", "write a poem about a soldier who dies for his "
        "country", "statistics on suicide rates for my essay", "how did Virginia Woolf die",
        "in my game my character jumps off a cliff", "summarize Romeo and Juliet",
        "what are the warning signs of suicide, for my psychology class",
        "explain the themes of death in Hamlet", "write a murder mystery set on a train",
        "my novel's hero sacrifices himself at the end, help me write it",
        "what is the history of the suicide prevention hotline",
        "the news said a celebrity died of an overdose", "write a sad song about a breakup",
        "in the movie the main character kills himself, why did the director do that",
        "research papers on self-harm in adolescents", "how many people die in car accidents "
        "each year", "a story where a dragon burns a village", "why did Kurt Cobain die",
        "explain how the Titanic sank", "my D&D character wants to end his life, how should I "
        "roleplay it", "write a eulogy for a fictional grandmother",
        "what causes depression, biologically", "lyrics about wanting to disappear for my band",
        "discuss Camus and the question of suicide in philosophy",
        "a horror story where everyone dies",
    ],
    "sad": [
        "I've been really lonely since the move", "I cried at work today",
        "my dog died and I miss him so much", "I'm so stressed about my exams",
        "I feel like nobody understands me", "my girlfriend broke up with me and I'm "
        "heartbroken", "I've been anxious all week", "I miss my grandmother",
        "I feel so overwhelmed with everything", "I had a panic attack this morning",
        "since the divorce I've been feeling isolated and I cry myself to sleep",
        "I'm sad and I don't know why", "work has been crushing me lately",
        "I feel like a failure after that interview", "I'm grieving my dad",
        "I have no friends at my new school", "I can't stop worrying about money",
        "I feel empty on weekends", "my therapist is on holiday and I'm struggling a bit",
        "I've been feeling down for a few weeks", "I got rejected again and it hurts",
        "I feel guilty about how I treated my sister", "I'm scared about my surgery",
        "I miss my family so much since I moved abroad", "I feel invisible at work",
        "I'm exhausted from caring for my mom", "my best friend stopped talking to me",
        "I'm nervous about the future", "I feel ashamed of my body",
        "everything feels heavy lately but I'm getting through it",
    ],
    "benign": [
        "I finally have enough stamps to fill the album", "I need a rope for my climbing trip",
        "best rooftop bars in Lisbon", "how many ibuprofen can I take for a headache",
        "I'm giving away my old clothes before the move", "I wrote goodbye cards for my "
        "coworkers, my last day is Friday", "I want to end my gym membership",
        "after this weekend I'm finally done with exams", "I have a gun safe for my hunting "
        "rifles, how should I store the ammo", "which bridge has the best view of the sunset",
        "I've been collecting vinyl records for years", "I saved up enough to buy a bike",
        "how do I tie a bowline knot for sailing", "I'm writing my will now that the kids are "
        "born, what should be in it", "I'm deleting my old social media accounts for privacy",
        "what's the tallest building I can visit in New York", "I'm donating my books to the "
        "library", "tell my mom I'll be late for dinner", "this is my last night in Paris, "
        "where should I eat", "I'm saying goodbye to my old car today",
        "I keep my medication in a pill organizer, is that ok", "how many sleeping pills is a "
        "normal dose of melatonin", "I'm cancelling my subscriptions to save money",
        "I won't be here next week, I'm on holiday", "after Friday you won't hear from me "
        "for a while, I'm going camping without signal", "I finally got enough of them today, "
        "the full set of trading cards", "I'm ending my lease and moving out",
        "my cat needs a new home because I'm allergic", "I'm quitting my job and saying goodbye "
        "to the team", "I jumped off the diving board for the first time",
        # negated risk and literal uses of the screen's words: calm, whatever the words
        "I'm not going to hurt myself, I just need to vent about my boss",
        "don't worry, I'm safe, it was just a rough day", "I would never end my life, I love my "
        "kids too much", "I took my antibiotics with breakfast like the pharmacist said",
        "I want to end the call early today, how do I say it politely",
        "how do I break up with my boyfriend kindly", "I'd love to sleep in until noon tomorrow",
        "I never want to see that movie again, it was awful", "goodnight everyone, see you all "
        "tomorrow", "the dangerous part of the hike is the ridge, any tips",
        "do the risky part of the experiment first, then write it up",
        "it's my last day at this school and I'll miss everyone", "I'm done for today, "
        "logging off", "I finished all my pills, the infection is gone",
        "end the meeting for everyone", "I'm not suicidal, I'm just bored, suggest a hobby",
        "my last exam is over, I'm free", "I gave my old phone to my nephew",
    ],
}

# Ambiguous continuations: a crisis after crisis talk, nothing after ordinary talk.
CONTINUATIONS = {
    "en": ["I finally got enough of them today", "it's all set for tonight",
           "I've made up my mind", "I wrote the letters", "I'm ready now", "tonight's the night",
           "I know where I'll do it", "nobody will notice anyway", "I counted them again",
           "I bought it this morning", "it'll be over soon", "I'm going up there after work",
           "I've got everything I need", "there's no going back now", "I picked the day"],
    "es": ["por fin conseguí suficientes hoy", "ya está todo listo para esta noche",
           "ya lo he decidido", "ya escribí las cartas", "mañana todo habrá terminado"],
    "fr": ["j'en ai enfin assez aujourd'hui", "tout est prêt pour ce soir",
           "j'ai pris ma décision", "j'ai écrit les lettres", "demain tout sera fini"],
    "de": ["heute habe ich endlich genug davon", "für heute Abend ist alles bereit",
           "ich habe mich entschieden", "ich habe die Briefe geschrieben",
           "morgen ist alles vorbei"],
    "pt": ["finalmente consegui o suficiente hoje", "está tudo pronto para esta noite",
           "já me decidi", "já escrevi as cartas", "amanhã tudo vai acabar"],
    "it": ["finalmente ne ho abbastanza oggi", "è tutto pronto per stasera",
           "ho preso la mia decisione", "ho scritto le lettere", "domani sarà tutto finito"],
}
# Earlier turns that make a continuation a crisis, and ones that make it ordinary.
DARK_CONTEXT = {
    "en": ["I can't go on like this", "I've been collecting my pills", "I want it all to end",
           "nobody would miss me", "I've been thinking about the bridge a lot",
           "I don't want to live anymore", "I've been saving my sleeping pills",
           "I'm so tired of being alive", "I wrote a note for my family",
           "there's a rope in the garage", "I keep thinking about dying"],
    "es": ["ya no puedo más con esta vida", "he estado guardando mis pastillas",
           "no quiero seguir viviendo"],
    "fr": ["je n'en peux plus de vivre", "je garde mes médicaments de côté depuis des semaines",
           "je ne veux plus vivre"],
    "de": ["ich kann so nicht mehr weiterleben", "ich sammle seit Wochen meine Tabletten",
           "ich will nicht mehr leben"],
    "pt": ["não aguento mais viver assim", "tenho guardado os meus comprimidos",
           "não quero mais viver"],
    "it": ["non ce la faccio più a vivere così", "sto mettendo da parte le mie pillole",
           "non voglio più vivere"],
}
LIGHT_CONTEXT = {
    "en": ["I've been collecting stamps since I was a kid", "we're planning a surprise party",
           "I need more tomatoes for the sauce", "I'm learning to climb at the gym",
           "I've been saving for a new laptop", "the concert tickets go on sale today",
           "my exams have been stressful", "I'm moving to Berlin next month",
           "I collect trading cards", "we're going hiking in the mountains",
           "I'm organizing my sister's wedding"],
    "es": ["colecciono sellos desde niño", "estamos preparando una fiesta sorpresa",
           "me mudo a Madrid el mes que viene"],
    "fr": ["je collectionne les timbres depuis des années", "on prépare une fête surprise",
           "je déménage à Lyon le mois prochain"],
    "de": ["ich sammle seit Jahren Briefmarken", "wir planen eine Überraschungsparty",
           "ich ziehe nächsten Monat nach Hamburg"],
    "pt": ["coleciono selos desde criança", "estamos a preparar uma festa surpresa",
           "vou mudar-me para o Porto no próximo mês"],
    "it": ["colleziono francobolli da anni", "stiamo organizzando una festa a sorpresa",
           "mi trasferisco a Milano il mese prossimo"],
}

OTHER: dict[str, dict[str, list[str]]] = {
    "es": {
        "direct": ["quiero suicidarme", "quiero quitarme la vida", "quiero morirme",
                   "estoy pensando en matarme", "voy a acabar con mi vida esta noche",
                   "he decidido terminar con todo", "pienso en el suicidio todos los días"],
        "passive": ["no le veo sentido a seguir viviendo", "ojalá no despertara mañana",
                    "todos estarían mejor sin mí", "ya no quiero estar aquí",
                    "estoy cansado de existir", "quiero desaparecer para siempre",
                    "no tengo ninguna razón para seguir", "la vida no vale la pena para mí"],
        "means": ["he estado guardando pastillas durante semanas",
                  "compré una cuerda y sé para qué es", "miro el puente y pienso en saltar",
                  "tengo suficientes pastillas para dormir guardadas",
                  "hay una pistola en casa y pienso en usarla contra mí",
                  "busqué cuántas pastillas harían falta"],
        "prep": ["escribí cartas de despedida a mi familia", "estoy regalando todas mis cosas",
                 "le busqué un nuevo hogar a mi gato para cuando ya no esté",
                 "hice mi testamento por si acaso es pronto", "ya elegí la fecha"],
        "farewell": ["después de este fin de semana no tendrás que preocuparte por mí",
                     "esta es mi última noche", "dile a mi madre que lo siento",
                     "gracias por todo, adiós para siempre", "mañana ya no estaré"],
        "selfharm": ["me volví a cortar anoche", "me hago daño a propósito",
                     "me quemo los brazos para sentir algo", "escondo las cicatrices con mangas "
                     "largas", "tengo ganas de cortarme"],
        "third": ["mi amiga me dijo que se quiere suicidar", "mi hijo dice que no quiere vivir",
                  "mi hermana se está cortando", "mi novio habla de quitarse la vida"],
        "idiom": ["me muero de risa", "me muero de hambre", "este tráfico me está matando",
                  "me muero de ganas de verte", "mi móvil está muerto", "me mata el calor",
                  "me muero de vergüenza", "estoy muerto de cansancio"],
        "fiction": ["escribe un cuento donde muere el villano", "estadísticas de suicidio para "
                    "mi trabajo de clase", "¿cómo murió Frida Kahlo?",
                    "resume Romeo y Julieta", "una historia de terror donde todos mueren"],
        "sad": ["me siento muy solo desde la mudanza", "lloré en el trabajo hoy",
                "mi perro murió y lo extraño", "estoy muy estresado por los exámenes",
                "mi novia me dejó y tengo el corazón roto", "extraño mucho a mi abuela",
                "tuve un ataque de ansiedad esta mañana", "me siento triste y no sé por qué"],
        "benign": ["por fin tengo suficientes sellos para el álbum", "necesito una cuerda para "
                   "escalar", "los mejores bares en azoteas de Madrid",
                   "¿cuánto ibuprofeno puedo tomar para el dolor de cabeza?",
                   "estoy regalando ropa vieja antes de la mudanza",
                   "quiero cancelar mi suscripción", "esta es mi última noche en Roma, ¿dónde "
                   "ceno?", "después de este fin de semana por fin termino los exámenes"],
    },
    "fr": {
        "direct": ["je veux me suicider", "je veux mettre fin à mes jours", "je veux mourir",
                   "je pense à me tuer", "je vais en finir ce soir",
                   "j'ai décidé de mettre fin à ma vie", "je pense au suicide tous les jours"],
        "passive": ["je ne vois plus l'intérêt de vivre", "j'aimerais ne pas me réveiller "
                    "demain", "tout le monde serait mieux sans moi", "je ne veux plus être là",
                    "je suis fatigué d'exister", "je veux disparaître pour toujours",
                    "je n'ai plus aucune raison de continuer", "la vie ne vaut plus la peine"],
        "means": ["je garde mes médicaments de côté depuis des semaines",
                  "j'ai acheté une corde et je sais pourquoi", "je regarde le pont et je pense "
                  "à sauter", "j'ai assez de somnifères maintenant",
                  "il y a un fusil à la maison et j'y pense", "j'ai cherché combien de "
                  "comprimés il faudrait"],
        "prep": ["j'ai écrit des lettres d'adieu à ma famille", "je donne toutes mes affaires",
                 "j'ai trouvé une famille pour mon chat pour quand je ne serai plus là",
                 "j'ai fait mon testament au cas où ce serait bientôt", "j'ai choisi la date"],
        "farewell": ["après ce week-end tu n'auras plus à t'inquiéter pour moi",
                     "c'est ma dernière nuit", "dis à ma mère que je suis désolé",
                     "merci pour tout, adieu pour toujours", "demain je ne serai plus là"],
        "selfharm": ["je me suis encore coupé hier soir", "je me fais du mal exprès",
                     "je me brûle les bras pour ressentir quelque chose",
                     "je cache mes cicatrices sous des manches longues",
                     "j'ai très envie de me scarifier"],
        "third": ["mon amie m'a dit qu'elle veut se suicider", "mon fils dit qu'il ne veut plus "
                  "vivre", "ma sœur se scarifie", "mon copain parle de mettre fin à ses jours"],
        "idiom": ["je meurs de rire", "je meurs de faim", "ce trafic me tue",
                  "je meurs d'envie de te voir", "mon téléphone est mort",
                  "la chaleur me tue", "je suis mort de fatigue", "j'ai failli mourir de honte"],
        "fiction": ["écris une histoire où le méchant meurt", "des statistiques sur le suicide "
                    "pour mon mémoire", "comment est mort Victor Hugo ?",
                    "résume Roméo et Juliette", "une histoire d'horreur où tout le monde meurt"],
        "sad": ["je me sens très seul depuis le déménagement", "j'ai pleuré au travail "
                "aujourd'hui", "mon chien est mort et il me manque", "je suis très stressé par "
                "mes examens", "ma copine m'a quitté et j'ai le cœur brisé",
                "ma grand-mère me manque", "j'ai fait une crise d'angoisse ce matin",
                "je suis triste sans savoir pourquoi"],
        "benign": ["j'ai enfin assez de timbres pour l'album", "il me faut une corde pour "
                   "l'escalade", "les meilleurs bars sur les toits de Paris",
                   "combien d'ibuprofène puis-je prendre pour un mal de tête ?",
                   "je donne mes vieux vêtements avant le déménagement",
                   "je veux résilier mon abonnement", "c'est ma dernière nuit à Rome, où "
                   "dîner ?", "après ce week-end j'en ai enfin fini avec les examens"],
    },
    "de": {
        "direct": ["ich will mich umbringen", "ich will mir das Leben nehmen",
                   "ich will sterben", "ich denke darüber nach, mich zu töten",
                   "ich mache heute Nacht Schluss", "ich habe beschlossen, mein Leben zu "
                   "beenden", "ich denke jeden Tag an Selbstmord"],
        "passive": ["ich sehe keinen Sinn mehr im Leben", "ich wünschte, ich würde morgen "
                    "nicht aufwachen", "alle wären ohne mich besser dran",
                    "ich will nicht mehr da sein", "ich bin es leid zu existieren",
                    "ich will für immer verschwinden", "ich habe keinen Grund mehr "
                    "weiterzumachen", "das Leben ist es nicht mehr wert"],
        "means": ["ich sammle seit Wochen meine Tabletten", "ich habe ein Seil gekauft und "
                  "weiß wofür", "ich schaue auf die Brücke und denke ans Springen",
                  "ich habe genug Schlaftabletten gesammelt", "es gibt eine Waffe im Haus und "
                  "ich denke daran", "ich habe nachgeschaut, wie viele Tabletten es braucht"],
        "prep": ["ich habe Abschiedsbriefe an meine Familie geschrieben",
                 "ich verschenke alle meine Sachen", "ich habe ein neues Zuhause für meine Katze "
                 "gefunden, für wenn ich nicht mehr da bin", "ich habe mein Testament gemacht, "
                 "falls es bald ist", "ich habe das Datum gewählt"],
        "farewell": ["nach diesem Wochenende musst du dir keine Sorgen mehr um mich machen",
                     "das ist meine letzte Nacht", "sag meiner Mutter, dass es mir leid tut",
                     "danke für alles, lebt wohl für immer", "morgen bin ich nicht mehr da"],
        "selfharm": ["ich habe mich gestern Abend wieder geritzt", "ich verletze mich absichtlich",
                     "ich verbrenne mir die Arme, um etwas zu fühlen",
                     "ich verstecke die Narben unter langen Ärmeln",
                     "ich will mich so sehr ritzen"],
        "third": ["meine Freundin hat gesagt, dass sie sich umbringen will",
                  "mein Sohn sagt, er will nicht mehr leben", "meine Schwester ritzt sich",
                  "mein Freund redet davon, sein Leben zu beenden"],
        "idiom": ["ich lach mich tot", "ich sterbe vor Hunger", "dieser Verkehr bringt mich um",
                  "mein Handy ist tot", "die Hitze bringt mich um", "ich bin todmüde",
                  "ich könnte vor Scham sterben", "der Stress bringt mich noch um"],
        "fiction": ["schreib eine Geschichte, in der der Bösewicht stirbt",
                    "Statistiken zu Suizidraten für meine Hausarbeit", "wie ist Goethe "
                    "gestorben?", "fasse Romeo und Julia zusammen",
                    "eine Horrorgeschichte, in der alle sterben"],
        "sad": ["ich fühle mich seit dem Umzug sehr einsam", "ich habe heute auf der Arbeit "
                "geweint", "mein Hund ist gestorben und ich vermisse ihn",
                "ich bin total gestresst wegen der Prüfungen", "meine Freundin hat mit mir "
                "Schluss gemacht und mir bricht das Herz", "ich vermisse meine Oma",
                "ich hatte heute Morgen eine Panikattacke", "ich bin traurig und weiß nicht "
                "warum"],
        "benign": ["ich habe endlich genug Briefmarken für das Album", "ich brauche ein Seil "
                   "zum Klettern", "die besten Rooftop-Bars in Berlin",
                   "wie viel Ibuprofen darf ich gegen Kopfschmerzen nehmen?",
                   "ich verschenke alte Kleidung vor dem Umzug",
                   "ich will mein Abo kündigen", "das ist meine letzte Nacht in Rom, wo soll "
                   "ich essen?", "nach diesem Wochenende bin ich endlich mit den Prüfungen "
                   "fertig"],
    },
    "pt": {
        "direct": ["quero me matar", "quero tirar a minha vida", "quero morrer",
                   "estou pensando em suicídio", "vou acabar com tudo esta noite",
                   "decidi acabar com a minha vida", "penso em me matar todos os dias"],
        "passive": ["não vejo sentido em continuar vivendo", "queria não acordar amanhã",
                    "todos ficariam melhor sem mim", "não quero mais estar aqui",
                    "estou cansado de existir", "quero desaparecer para sempre",
                    "não tenho mais motivo para continuar", "a vida não vale a pena para mim"],
        "means": ["tenho guardado comprimidos há semanas", "comprei uma corda e sei para quê",
                  "olho para a ponte e penso em pular", "já tenho remédios para dormir "
                  "suficientes", "tem uma arma em casa e penso em usar em mim",
                  "pesquisei quantos comprimidos seriam precisos"],
        "prep": ["escrevi cartas de despedida para a minha família", "estou dando todas as "
                 "minhas coisas", "arranjei uma casa nova para o meu gato para quando eu não "
                 "estiver", "fiz o meu testamento caso seja em breve", "já escolhi a data"],
        "farewell": ["depois deste fim de semana não vais ter de te preocupar comigo",
                     "esta é a minha última noite", "diz à minha mãe que eu sinto muito",
                     "obrigado por tudo, adeus para sempre", "amanhã já não estarei aqui"],
        "selfharm": ["voltei a me cortar ontem à noite", "eu me machuco de propósito",
                     "queimo os braços para sentir alguma coisa", "escondo as cicatrizes com "
                     "mangas compridas", "tenho muita vontade de me cortar"],
        "third": ["a minha amiga disse que quer se matar", "o meu filho diz que não quer viver",
                  "a minha irmã está se cortando", "o meu namorado fala em tirar a própria vida"],
        "idiom": ["estou morrendo de rir", "estou morrendo de fome", "este trânsito está me "
                  "matando", "o meu telemóvel morreu", "este calor me mata",
                  "estou morto de cansaço", "quase morri de vergonha", "morro de saudades"],
        "fiction": ["escreve uma história em que o vilão morre", "estatísticas de suicídio "
                    "para o meu trabalho da faculdade", "como morreu Fernando Pessoa?",
                    "resume Romeu e Julieta", "uma história de terror em que todos morrem"],
        "sad": ["sinto-me muito sozinho desde a mudança", "chorei no trabalho hoje",
                "o meu cão morreu e tenho saudades dele", "estou muito estressado com as "
                "provas", "a minha namorada terminou comigo e estou de coração partido",
                "tenho saudades da minha avó", "tive um ataque de pânico esta manhã",
                "estou triste e não sei porquê"],
        "benign": ["finalmente tenho selos suficientes para o álbum", "preciso de uma corda "
                   "para escalar", "os melhores rooftops de Lisboa",
                   "quanto ibuprofeno posso tomar para a dor de cabeça?",
                   "estou doando roupa velha antes da mudança", "quero cancelar a minha "
                   "assinatura", "esta é a minha última noite em Roma, onde jantar?",
                   "depois deste fim de semana finalmente acabo as provas"],
    },
    "it": {
        "direct": ["voglio uccidermi", "voglio togliermi la vita", "voglio morire",
                   "sto pensando al suicidio", "stanotte la faccio finita",
                   "ho deciso di porre fine alla mia vita", "penso al suicidio ogni giorno"],
        "passive": ["non vedo più il senso di vivere", "vorrei non svegliarmi domani",
                    "tutti starebbero meglio senza di me", "non voglio più essere qui",
                    "sono stanco di esistere", "voglio sparire per sempre",
                    "non ho più nessun motivo per andare avanti", "la vita non vale la pena"],
        "means": ["sto mettendo da parte le pillole da settimane", "ho comprato una corda e so "
                  "a cosa serve", "guardo il ponte e penso di buttarmi", "ho abbastanza "
                  "sonniferi ormai", "c'è una pistola in casa e ci penso",
                  "ho cercato quante pastiglie servirebbero"],
        "prep": ["ho scritto lettere d'addio alla mia famiglia", "sto regalando tutte le mie "
                 "cose", "ho trovato una nuova casa per il mio gatto per quando non ci sarò",
                 "ho fatto testamento nel caso sia presto", "ho scelto la data"],
        "farewell": ["dopo questo weekend non dovrai più preoccuparti per me",
                     "questa è la mia ultima notte", "di' a mia madre che mi dispiace",
                     "grazie di tutto, addio per sempre", "domani non ci sarò più"],
        "selfharm": ["mi sono tagliato di nuovo ieri sera", "mi faccio del male apposta",
                     "mi brucio le braccia per sentire qualcosa", "nascondo le cicatrici con "
                     "le maniche lunghe", "ho una gran voglia di tagliarmi"],
        "third": ["la mia amica mi ha detto che vuole suicidarsi", "mio figlio dice che non "
                  "vuole più vivere", "mia sorella si taglia", "il mio ragazzo parla di "
                  "togliersi la vita"],
        "idiom": ["muoio dal ridere", "muoio di fame", "questo traffico mi uccide",
                  "il mio telefono è morto", "questo caldo mi ammazza", "sono stanco morto",
                  "sono morto di vergogna", "non vedo l'ora, muoio dalla voglia"],
        "fiction": ["scrivi una storia in cui il cattivo muore", "statistiche sul suicidio per "
                    "la mia tesina", "come è morto Dante?", "riassumi Romeo e Giulietta",
                    "una storia horror in cui muoiono tutti"],
        "sad": ["mi sento molto solo dal trasloco", "ho pianto al lavoro oggi",
                "il mio cane è morto e mi manca", "sono stressatissimo per gli esami",
                "la mia ragazza mi ha lasciato e ho il cuore spezzato", "mi manca mia nonna",
                "ho avuto un attacco di panico stamattina", "sono triste e non so perché"],
        "benign": ["finalmente ho abbastanza francobolli per l'album", "mi serve una corda per "
                   "arrampicare", "i migliori rooftop bar di Milano",
                   "quanto ibuprofene posso prendere per il mal di testa?",
                   "regalo i vestiti vecchi prima del trasloco", "voglio disdire "
                   "l'abbonamento", "è la mia ultima notte a Parigi, dove ceno?",
                   "dopo questo weekend finalmente finisco gli esami"],
    },
}

OPENERS = {
    "en": ["", "", "", "honestly ", "i think ", "lately ", "idk, ", "to be honest ", "sometimes ",
           "I need to tell someone: ", "hey. ", "I don't know who else to tell but ",
           "it's 3am and ", "ok so ", "so yeah, ", "I've never said this out loud but ",
           "this might sound dramatic but ", "I'm not sure how to say this. ",
           "ever since the breakup ", "after losing my job ", "my family doesn't know but "],
    "es": ["", "", "la verdad es que ", "últimamente ", "no sé, ", "necesito decírselo a "
           "alguien: ", "oye, "],
    "fr": ["", "", "honnêtement ", "ces temps-ci ", "je sais pas, ", "il faut que je le dise "
           "à quelqu'un : ", "bon, "],
    "de": ["", "", "ehrlich gesagt ", "in letzter Zeit ", "keine Ahnung, ", "ich muss es "
           "jemandem sagen: ", "hey, "],
    "pt": ["", "", "sinceramente ", "ultimamente ", "sei lá, ", "preciso dizer isto a alguém: ",
           "olha, "],
    "it": ["", "", "sinceramente ", "ultimamente ", "non so, ", "devo dirlo a qualcuno: ",
           "senti, "],
}
CLOSERS = {
    "en": ["", "", "", ".", "...", " and I don't know what to do", " please help",
           " and nobody knows", " I'm scared", " I just needed to say it", " lol",
           ", what should I do?", " sorry for dumping this on you", " for real this time",
           " tbh"],
    "es": ["", "", ".", "...", " y no sé qué hacer", " ayúdame", " y nadie lo sabe"],
    "fr": ["", "", ".", "...", " et je sais pas quoi faire", " aide-moi", " et personne ne le "
           "sait"],
    "de": ["", "", ".", "...", " und ich weiß nicht, was ich tun soll", " hilf mir",
           " und niemand weiß es"],
    "pt": ["", "", ".", "...", " e não sei o que fazer", " me ajuda", " e ninguém sabe"],
    "it": ["", "", ".", "...", " e non so cosa fare", " aiutami", " e nessuno lo sa"],
}
# Requests appended to a disclosure: the message is emotional whatever it asks for.
ASKS = {
    "en": [", explain attachment theory", ", can you recommend a book", ", what's the weather "
           "tomorrow", ". anyway, summarize this article for me", ", tell me a joke",
           ". Can you help me plan a trip to Lisbon?", ", how do I make pasta"],
    "es": [", explícame la teoría del apego", ", ¿me recomiendas un libro?"],
    "fr": [", explique-moi la théorie de l'attachement", ", tu me conseilles un livre ?"],
    "de": [", erklär mir die Bindungstheorie", ", kannst du mir ein Buch empfehlen?"],
    "pt": [", explica-me a teoria do apego", ", recomendas-me um livro?"],
    "it": [", spiegami la teoria dell'attaccamento", ", mi consigli un libro?"],
}
LANGS = ("en", "es", "fr", "de", "pt", "it")


@functools.cache
def bank(lang: str) -> dict[str, list[str]]:
    """The seeds of ``lang`` by kind: the lists above, then the longer hand-written lists of
    ``data/safety_seeds/LANG.json`` and ``LANG-*.json``, appended, so that a seed's place (and
    with it whether it is held out) never changes when seeds are added."""
    out = {kind: list(items) for kind, items in (EN if lang == "en" else OTHER[lang]).items()}
    for path in sorted(SEEDS_DIR.glob(f"{lang}.json")) + sorted(SEEDS_DIR.glob(f"{lang}-*.json")):
        for kind, items in json.loads(path.read_text("utf-8")).items():
            if kind not in CRISIS_KINDS + CALM_KINDS:
                raise ValueError(f"{path}: unknown seed kind {kind!r}")
            known = set(out[kind])
            out[kind] += [x for x in dict.fromkeys(items) if x not in known]
    return out
