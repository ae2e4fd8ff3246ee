"""Fake but realistic-looking customer identities: names, emails, phones and cities per country.

Phone numbers use ranges reserved for fiction where one exists (UK 07700 900xxx, US 555-01xx,
Australia 0491 570xxx) so the sample never points at a real line; other countries use random mobiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.catalog import COUNTRIES

_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "english": (
        ("Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Chloe", "Lucy", "Hannah", "Sarah", "Emma",
         "Charlotte", "Jessica", "Rachel", "Laura", "Megan", "Aoife", "Niamh", "Zara", "Priya", "Aisha", "Oliver",
         "George", "Harry", "Jack", "Jacob", "Thomas", "James", "William", "Daniel", "Samuel", "Matthew", "Ryan",
         "Liam", "Conor", "Callum", "Ethan", "Mohammed", "Arjun", "Ben", "Tom", "Chris", "David", "Mark", "Paul"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
         "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
         "Khan", "Lewis", "Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "Campbell", "Stewart", "Hughes",
         "Edwards", "Turner", "Parker", "Collins", "Morgan", "Bennett", "Cooper", "Harris", "Martin", "Ahmed"),
    ),
    "german": (
        ("Lena", "Hannah", "Lea", "Anna", "Mia", "Laura", "Julia", "Katharina", "Sophie", "Marie", "Lukas", "Jonas",
         "Leon", "Finn", "Paul", "Felix", "Maximilian", "Tobias", "Jan", "Florian", "Stefan", "Niklas"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
         "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger", "Hartmann"),
    ),
    "french": (
        ("Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Juliette", "Louise", "Emma", "Clara", "Lucas",
         "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Théo", "Nathan", "Antoine", "Mathieu", "Julien"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Fournier", "Girard"),
    ),
    "dutch": (
        ("Emma", "Sanne", "Lotte", "Fleur", "Eva", "Anouk", "Julia", "Femke", "Daan", "Sem", "Lars", "Bram",
         "Thijs", "Ruben", "Jesse", "Joris", "Niels", "Pieter"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
         "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen"),
    ),
    "spanish": (
        ("Lucía", "María", "Paula", "Sofía", "Carmen", "Laura", "Elena", "Marta", "Alba", "Hugo", "Pablo",
         "Alejandro", "Daniel", "Javier", "Diego", "Carlos", "Sergio", "Adrián", "Manuel"),
        ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
         "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Romero", "Navarro"),
    ),
}

_COUNTRY_STYLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "United Kingdom": ("english", ("gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com",
                                   "icloud.com", "sky.com")),
    "Ireland": ("english", ("gmail.com", "outlook.com", "eircom.net", "hotmail.com", "icloud.com")),
    "United States": ("english", ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com")),
    "Australia": ("english", ("gmail.com", "bigpond.com", "outlook.com", "icloud.com", "optusnet.com.au")),
    "Germany": ("german", ("gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.de")),
    "France": ("french", ("gmail.com", "orange.fr", "free.fr", "laposte.net", "outlook.fr")),
    "Netherlands": ("dutch", ("gmail.com", "ziggo.nl", "outlook.com", "kpnmail.nl", "hotmail.nl")),
    "Spain": ("spanish", ("gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net")),
}

_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "ê": "e", "ë": "e",
                        "á": "a", "í": "i", "ó": "o", "ú": "u", "ñ": "n", "ç": "c", "Á": "a", "'": "", " ": ""})


@dataclass(frozen=True)
class Identity:
    """The PII part of a customer record."""

    first_name: str
    last_name: str
    email: str
    phone: str
    country: str
    city: str

    @property
    def name(self) -> str:
        """Full name as a customer would type it."""
        return f"{self.first_name} {self.last_name}"


def _digits(rng: np.random.Generator, count: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, size=count))


def fake_phone(country: str, rng: np.random.Generator) -> str:
    """A mobile number in the country's usual written format."""
    if country == "United Kingdom":
        tail = _digits(rng, 3)
        return f"+44 7700 900{tail}" if rng.random() < 0.5 else f"07700 900{tail}"
    formats = {
        "Ireland": lambda: f"+353 8{rng.integers(5, 8)} {_digits(rng, 3)} {_digits(rng, 4)}",
        "Germany": lambda: f"+49 15{rng.integers(1, 8)} {_digits(rng, 8)}",
        "France": lambda: "+33 6 " + " ".join(_digits(rng, 2) for _ in range(4)),
        "Netherlands": lambda: f"+31 6 {_digits(rng, 4)} {_digits(rng, 4)}",
        "Spain": lambda: f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}",
        "United States": lambda: f"+1 ({rng.integers(201, 990)}) 555-01{_digits(rng, 2)}",
        "Australia": lambda: f"+61 491 570 {_digits(rng, 3)}",
    }
    return formats[country]()


def _email(first: str, last: str, domains: tuple[str, ...], rng: np.random.Generator) -> str:
    """An address built the ways people really build them, with digits so it is not a real person's."""
    f, s = first.lower().translate(_ASCII), last.lower().translate(_ASCII)
    number = str(rng.integers(1, 99)) if rng.random() < 0.6 else str(rng.integers(1965, 2004))
    pattern = int(rng.integers(0, 5))
    local = (f"{f}.{s}{number}", f"{f}{s}{number}", f"{f[0]}.{s}{number}", f"{f}_{s[:4]}{number}",
             f"{f}{number}")[pattern]
    return f"{local}@{domains[int(rng.integers(0, len(domains)))]}"


def draw_country(rng: np.random.Generator) -> str:
    """A country by the shop's customer mix."""
    names = list(COUNTRIES)
    shares = np.array([COUNTRIES[n][0] for n in names])
    return names[int(rng.choice(len(names), p=shares / shares.sum()))]


def fake_identity(rng: np.random.Generator) -> Identity:
    """A whole fake person living in a realistic city."""
    country = draw_country(rng)
    style, domains = _COUNTRY_STYLE[country]
    firsts, lasts = _NAMES[style]
    first = firsts[int(rng.integers(0, len(firsts)))]
    last = lasts[int(rng.integers(0, len(lasts)))]
    cities = COUNTRIES[country][1]
    # Capitals and big cities dominate: weight cities by their position in the list.
    weights = 1.0 / np.arange(1, len(cities) + 1) ** 0.8
    city = cities[int(rng.choice(len(cities), p=weights / weights.sum()))]
    return Identity(first, last, _email(first, last, domains, rng), fake_phone(country, rng), country, city)
