"""Value banks for the offline data generator: places, dates, paths, topics, feelings."""

from __future__ import annotations

CITIES = [
    "New York", "London", "Paris", "Berlin", "Tokyo", "Sydney", "Melbourne", "Seattle",
    "San Francisco", "Los Angeles", "Chicago", "Boston", "Austin", "Lisbon", "Madrid",
    "Barcelona", "Rome", "Prague", "Vienna", "Amsterdam", "Dublin", "Toronto", "Montreal",
    "Vancouver", "Mexico City", "Denver", "Miami", "Atlanta", "Dallas", "Houston", "Singapore",
    "Hong Kong", "Dubai", "Istanbul", "Athens", "Oslo", "Stockholm", "Copenhagen", "Helsinki",
    "Zurich", "Munich", "Frankfurt", "Milan", "Seoul", "Bangkok", "Delhi", "Mumbai", "Cairo",
    "Nairobi", "Cape Town", "Buenos Aires", "Lima", "Bogota", "Honolulu", "Las Vegas",
    "Phoenix", "Portland", "San Diego", "Philadelphia", "Washington", "Orlando", "Nashville",
    "New Orleans", "Edinburgh", "Manchester", "Brussels", "Warsaw", "Budapest", "Porto",
    "Nice", "Lyon", "Osaka", "Auckland", "Reykjavik", "Florence", "Venice", "Geneva",
    "Marrakech", "Kyoto", "Hamburg", "Seville", "Valencia", "Krakow", "Montevideo",
    "Santiago", "Quebec City", "Calgary", "Minneapolis", "Detroit", "Salt Lake City",
    "Charlotte", "Pittsburgh", "Tampa", "Anchorage", "Perth", "Brisbane", "Manila", "Taipei",
]
IATA = [
    "BOS", "JFK", "LAX", "SFO", "SEA", "ORD", "LHR", "CDG", "FRA", "AMS", "MAD", "BCN",
    "LIS", "FCO", "DUB", "YYZ", "YVR", "DEN", "MIA", "ATL", "DFW", "IAH", "SIN", "HND",
    "SYD", "MEL", "AUS", "PHX", "MUC", "ZRH", "VIE", "PRG", "CPH", "OSL", "ARN", "HEL",
    "IST", "DXB", "ICN", "BKK", "EWR", "LGA", "MSP", "DTW", "SLC", "PDX", "SAN", "LAS",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RELATIVE_DAYS = ["tomorrow", "the day after tomorrow", "today", "tonight"]
AIRLINES = ["Delta", "United", "JetBlue", "American", "Lufthansa", "Air France", "KLM",
            "Iberia", "TAP", "British Airways", "Alaska", "Qantas", "Emirates", "easyJet"]
HOTEL_NAMES = ["Harbor View Inn", "Grand Central Hotel", "Old Town Suites", "Riverside Lodge",
               "Park Lane Rooms", "Back Bay Lofts", "Sunset Residences", "The Linden",
               "Maple Court Hotel", "Station House"]

DIRS = ["~/Documents", "~/Downloads", "/data", "~/work", "~/papers", "/tmp/scans", "~/bills",
        "~/Desktop", "./docs", "/home/ana/inbox", "~/scans/2026", "/mnt/share/archive",
        "~/taxes", "~/school", "/srv/files"]
FILES = ["passport.png", "invoice_2031.pdf", "old_letter.pdf", "contract.pdf", "receipt.jpg",
         "scan_0012.tiff", "menu.webp", "statement.pdf", "lease.pdf", "notes.txt", "readme.md",
         "page.html", "report.pdf", "water.pdf", "electric_bill.pdf", "id_card.jpeg",
         "prescription.png", "thesis.pdf", "manual.pdf", "spec.pdf", "meeting_notes.md",
         "recipe.jpg", "ticket.png", "payslip.pdf", "warranty.bmp", "letter_from_bank.pdf",
         "bert.pdf", "minutes.txt", "policy.pdf", "form_w2.png", "chapter3.pdf"]
DOC_NOUNS = ["the document", "the scanned letter", "the invoice", "the contract", "the receipt",
             "this file", "the pdf", "my scan", "the letter", "the report", "the lease",
             "the statement", "the manual", "the paper", "it"]
LANGUAGES = ["French", "Spanish", "German", "English", "fr", "es", "de", "en", "french",
             "spanish", "german"]
QUESTIONS = [
    "what is the invoice number", "how much do I owe", "when is the payment due",
    "who signed it", "what's the total", "what voltage does the device need",
    "what is the deadline", "what's the account number", "who is the landlord",
    "how long is the warranty", "what are the opening hours", "what is the policy number",
    "when does the lease end", "what's the interest rate", "which dosage is prescribed",
    "what's the tracking number", "what is the main finding", "how many pages are there",
    "what is the address on it", "what's the date on the letter", "who is it addressed to",
    "what is the penalty for late payment", "how much was the tip", "what's the VAT",
    "what does section 4 say", "what are the side effects listed", "what's my balance",
    "which flights are mentioned", "what is the customer reference",
    "how do I reset the device", "what's the notice period",
]

STORY_TOPICS = [
    "a sleepy owl", "a friendly ghost", "a heist", "a dragon who is afraid of the dark",
    "a lost puppy", "pirates", "a robot learning to paint", "a brave little mouse",
    "a haunted lighthouse", "space explorers", "a magic library", "a detective in Paris",
    "two rival chefs", "a girl who can talk to trees", "a time traveller", "a snowman",
    "a cat who wants to fly", "a knight and a princess", "an underwater city",
    "a treasure map", "a spy mission", "a small town mystery", "a unicorn", "dinosaurs",
    "the first day of school", "a storm at sea", "a clockmaker", "a wizard's apprentice",
    "a bear who loves honey", "friendship", "a soccer match", "a secret garden",
    "a train journey", "a lonely star", "a fox and a crow", "a zombie outbreak",
    "a mountain climber", "a circus", "an old lighthouse keeper", "a penguin",
]
CHILD_CUES = ["for my son", "for my daughter", "for my kids", "for a 5 year old",
              "for the children", "for my little girl", "for my nephew", "for a toddler",
              "for a child"]
TEEN_CUES = ["for a teenager", "for my 14 year old", "for teens", "for a teen",
             "for my teenage son"]
ADULT_CUES = ["for adults", "for grown-ups", "for an adult", "adult", "for me, an adult"]
GENRES = ["thriller", "mystery", "fantasy", "sci-fi", "horror", "romance", "adventure",
          "funny", "sad", "spooky", "heartwarming"]

FEELINGS = ["anxious", "sad", "lonely", "stressed", "overwhelmed", "scared", "angry",
            "nervous", "down", "hopeless", "exhausted", "worried", "heartbroken", "frustrated",
            "panicky", "empty", "ashamed", "jealous", "insecure", "burned out"]
SITUATIONS = ["I got dumped", "I lost my job", "my dog died", "I failed my exam",
              "my parents are divorcing", "I had a fight with my best friend",
              "my presentation went badly", "I didn't get the promotion",
              "my grandmother is in hospital", "I'm moving to a new city",
              "nobody came to my party", "my partner cheated on me",
              "I have a job interview tomorrow", "I can't stop thinking about my ex",
              "work is piling up", "I got rejected again", "my flight was cancelled",
              "I'm behind on rent", "my cat is sick", "I argued with my mom"]
REGIONS = ["Canada", "the UK", "Australia", "Germany", "France", "Spain", "Mexico", "India",
           "Japan", "Brazil", "Ireland", "New Zealand", "the US", "Italy", "US", "UK", "CA",
           "South Africa", "the Netherlands", "Sweden", "Argentina"]

NO_TOOL = [
    "hello", "hi there", "hey", "good morning", "thanks", "thank you so much", "ok cool",
    "what can you do?", "who are you?", "can you help me?", "how are you?", "never mind",
    "how tall is Mount Everest?", "what's the capital of Peru?", "explain photosynthesis",
    "what is 15 times 12?", "who wrote Hamlet?", "why is the sky blue?", "tell me a joke",
    "what's the weather like on Mars?", "how do airplanes stay in the air?",
    "what is a hotel loyalty program?", "what does OCR stand for?", "what year is it?",
    "recommend a good book", "how do I boil an egg?", "what is the speed of light?",
    "translate 'good night' into Italian", "what's the difference between a virus and bacteria?",
    "how many continents are there?", "what is machine learning?", "good night",
    "bye", "you're great", "I like pizza", "what time zone is Tokyo in?",
    "how far is the moon?", "what's a good name for a cat?", "is coffee bad for you?",
    "what do pilots earn?", "how does a passport work?", "sing me a song",
    "what is the longest river in the world?", "write a haiku about autumn",
    "what's your favorite color?", "how do I center a div?", "what's 2+2?",
    "what are you running on?", "do you store my data?", "what is a breathing exercise?",
    "is it safe to fly during a storm?", "when was the Eiffel Tower built?",
    "what is the population of Canada?", "how do I say thank you in Japanese?",
]
