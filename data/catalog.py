"""The sample shop's fixed world: its name, product catalogue, personas and where customers live.

Everything here is plain data so the generator stays deterministic and a reader can see at a glance
what the shop sells and who buys it. Prices are in GBP.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOP_NAME = "Hollowbrook Outfitters"


@dataclass(frozen=True)
class Product:
    """One catalogue item; ``is_value`` marks budget lines (multipacks, basics) that deal seekers favour."""

    product_id: str
    name: str
    category: str
    price: float
    is_value: bool = False


# (name, price, is_value) per category; names are what a customer would see on the product page.
_CATALOGUE: dict[str, list[tuple[str, float, bool]]] = {
    "Running": [
        ("Stridewell Road Running Shoes", 109.99, False), ("Ridgeline Trail Running Shoes", 124.99, False),
        ("Tempo Carbon Racing Shoes", 189.99, False), ("Cushioned Daily Trainer", 94.99, False),
        ("Merino Running Socks 3-Pack", 24.99, True), ("Everyday Running Socks 6-Pack", 14.99, True),
        ("Lightweight Running Jacket", 74.99, False), ("Waterproof Trail Jacket", 139.99, False),
        ("Running Tights", 44.99, False), ("Split Running Shorts", 29.99, False),
        ("Hydration Running Vest 5L", 69.99, False), ("Soft Flask 500ml", 16.99, False),
        ("GPS Running Watch", 249.99, False), ("Chest Heart Rate Strap", 49.99, False),
        ("Energy Gels 12-Pack", 18.99, True), ("Reflective Running Armband", 9.99, True),
        ("Running Head Torch 400lm", 39.99, False), ("Runner's Anti-Chafe Balm", 8.99, True),
        ("Compression Calf Sleeves", 27.99, False), ("Technical Running Tee", 24.99, False),
        ("Thermal Running Gloves", 19.99, False), ("Race Number Belt", 11.99, True),
    ],
    "Kitchen & Cooking": [
        ("Cast Iron Skillet 26cm", 44.99, False), ("Enamelled Dutch Oven 5.2L", 149.99, False),
        ("Chef's Knife 20cm", 79.99, False), ("Japanese Santoku Knife", 94.99, False),
        ("Stand Mixer 5L", 349.99, False), ("Stainless Steel Saucepan Set", 129.99, False),
        ("Non-Stick Frying Pan 28cm", 34.99, False), ("Beech Chopping Board", 24.99, False),
        ("Digital Kitchen Scales", 19.99, True), ("Silicone Baking Mat 2-Pack", 12.99, True),
        ("Sourdough Proofing Basket", 17.99, False), ("Pasta Maker", 59.99, False),
        ("Spice Grinder", 29.99, False), ("Glass Storage Containers 10-Pack", 27.99, True),
        ("Instant-Read Meat Thermometer", 22.99, False), ("Knife Sharpener", 18.99, False),
        ("Wok with Lid 30cm", 49.99, False), ("Kitchen Utensil Set 12-Piece", 21.99, True),
        ("Pizza Stone", 32.99, False), ("Espresso Machine", 229.99, False),
        ("Cotton Tea Towels 5-Pack", 11.99, True),
    ],
    "Baby & Toddler": [
        ("Lightweight Travel Pushchair", 229.99, False), ("Travel System Pram", 449.99, False),
        ("Convertible Car Seat", 189.99, False), ("Baby Carrier Sling", 79.99, False),
        ("Silicone Weaning Set", 24.99, False), ("Toddler Sippy Cups 3-Pack", 12.99, True),
        ("Muslin Squares 6-Pack", 14.99, True), ("Sleep Bag 2.5 Tog", 34.99, False),
        ("Baby Monitor with Camera", 119.99, False), ("Wooden Stacking Toy", 16.99, False),
        ("Highchair", 99.99, False), ("Changing Bag Backpack", 49.99, False),
        ("Bath Thermometer Duck", 7.99, True), ("Toddler Rain Suit", 27.99, False),
        ("Soft Play Mat", 54.99, False), ("Baby Wipes 12-Pack", 17.99, True),
        ("Bottle Steriliser", 44.99, False), ("Stair Safety Gate", 39.99, False),
        ("Toddler Wellies", 19.99, False), ("Night Light Projector", 22.99, False),
    ],
    "Home & Garden": [
        ("Cordless Vacuum Cleaner", 199.99, False), ("Microfibre Cleaning Cloths 12-Pack", 9.99, True),
        ("Raised Garden Bed", 89.99, False), ("Garden Hose 30m", 34.99, False),
        ("Solar Path Lights 8-Pack", 29.99, True), ("Linen Bedding Set", 119.99, False),
        ("Blackout Curtains", 49.99, False), ("Scented Candle Trio", 24.99, False),
        ("Storage Baskets 3-Pack", 22.99, True), ("Steam Mop", 69.99, False),
        ("Pruning Shears", 19.99, False), ("Herb Seed Starter Kit", 14.99, True),
        ("Outdoor Bistro Set", 179.99, False), ("Door Mat Coir", 17.99, True),
        ("Air Purifier", 149.99, False), ("Bath Towel Bale", 39.99, False),
        ("Compost Bin 300L", 44.99, False), ("Laundry Drying Rack", 27.99, False),
    ],
    "Outdoor & Camping": [
        ("Four-Person Tunnel Tent", 329.99, False), ("Ultralight Backpacking Tent", 249.99, False),
        ("Three-Season Sleeping Bag", 89.99, False), ("Self-Inflating Sleeping Mat", 59.99, False),
        ("Waterproof Hiking Boots", 139.99, False), ("Trekking Poles Pair", 49.99, False),
        ("Hiking Backpack 45L", 119.99, False), ("Daypack 22L", 49.99, False),
        ("Camping Stove Kit", 64.99, False), ("Titanium Camping Mug", 24.99, False),
        ("Water Filter Bottle", 34.99, False), ("Rechargeable Head Torch", 29.99, False),
        ("Camping Chairs 2-Pack", 54.99, True), ("Insulated Down Jacket", 169.99, False),
        ("Merino Base Layer Top", 59.99, False), ("Hiking Socks 3-Pack", 19.99, True),
        ("Dry Bag Set", 22.99, True), ("Compass and Map Case", 18.99, False),
        ("Camping Lantern", 27.99, False), ("Waterproof Overtrousers", 64.99, False),
        ("Backpacking Pot Set", 39.99, False),
    ],
    "Fitness & Yoga": [
        ("Eco Cork Yoga Mat", 59.99, False), ("Non-Slip Yoga Mat 6mm", 29.99, True),
        ("Cork Blocks 2-Pack", 19.99, True), ("Cotton Stretching Strap", 9.99, True),
        ("Meditation Cushion", 39.99, False), ("Resistance Bands Set", 24.99, True),
        ("Adjustable Dumbbells 24kg", 229.99, False), ("Kettlebell 12kg", 44.99, False),
        ("Foam Roller", 24.99, False), ("Pilates Ring", 17.99, False),
        ("High-Waist Yoga Leggings", 49.99, False), ("Seamless Sports Bra", 34.99, False),
        ("Massage Gun", 129.99, False), ("Skipping Rope", 12.99, True),
        ("Exercise Ball 65cm", 21.99, False), ("Yoga Mat Bag", 22.99, False),
        ("Balance Board", 44.99, False), ("Pull-Up Bar", 34.99, False),
    ],
    "Pets": [
        ("Orthopaedic Dog Bed", 89.99, False), ("Grain-Free Dog Food 12kg", 59.99, False),
        ("Dog Treats Variety Box", 14.99, True), ("Retractable Dog Lead", 24.99, False),
        ("No-Pull Dog Harness", 34.99, False), ("Chew Toy Bundle", 16.99, True),
        ("Cat Scratching Tower", 74.99, False), ("Wet Cat Food 24-Pack", 21.99, True),
        ("Clumping Cat Litter 10L", 12.99, True), ("Self-Cleaning Litter Tray", 149.99, False),
        ("Pet Hair Remover Roller", 11.99, True), ("Automatic Pet Feeder", 79.99, False),
        ("Dog Raincoat", 29.99, False), ("Stainless Steel Pet Bowls", 17.99, False),
        ("Interactive Puzzle Feeder", 19.99, False), ("Dog Poo Bags 300-Pack", 9.99, True),
        ("Travel Pet Carrier", 54.99, False), ("Dog Grooming Brush", 15.99, False),
        ("Flea and Tick Collar", 27.99, False), ("Dental Chews 28-Pack", 18.99, True),
    ],
    "Beauty & Wellness": [
        ("Vitamin C Face Serum", 29.99, False), ("Hydrating Day Cream", 24.99, False),
        ("Lavender Bath Salts", 12.99, True), ("Essential Oil Diffuser", 39.99, False),
        ("Essential Oils Set", 22.99, True), ("Bamboo Hairbrush", 14.99, False),
        ("Magnesium Sleep Spray", 18.99, False), ("Collagen Supplement 30 Days", 34.99, False),
        ("Jade Face Roller", 19.99, False), ("Natural Deodorant", 9.99, True),
        ("Organic Shampoo Bar", 11.99, True), ("Herbal Tea Sampler", 16.99, True),
        ("Weighted Sleep Mask", 24.99, False), ("Reusable Cotton Pads 16-Pack", 12.99, True),
        ("Aromatherapy Candle", 21.99, False), ("Hand Cream Trio", 18.99, True),
        ("Electric Toothbrush", 79.99, False), ("Acupressure Mat", 34.99, False),
    ],
}

CATEGORIES: tuple[str, ...] = tuple(_CATALOGUE)


def build_products() -> list[Product]:
    """The catalogue as Product records with stable ids (P + category number + item number)."""
    products: list[Product] = []
    for cat_no, (category, items) in enumerate(_CATALOGUE.items(), start=1):
        for item_no, (name, price, is_value) in enumerate(items, start=1):
            products.append(Product(f"P{cat_no}{item_no:02d}", name, category, price, is_value))
    return products


@dataclass(frozen=True)
class Persona:
    """A planted customer type: what they buy (category weights) and how they shop."""

    key: str
    label: str
    share: float
    category_weights: dict[str, float]
    price_affinity: float  # mean of the per-customer exponent on price when picking products
    voice: tuple[str, ...]  # categories this persona writes about in its own words
    prefers_value: bool = False


# Weights are relative; the remainder of each persona's budget is spread over all categories as noise.
PERSONAS: tuple[Persona, ...] = (
    Persona("runner", "Road & trail runners", 0.15,
            {"Running": 0.72, "Fitness & Yoga": 0.12, "Outdoor & Camping": 0.04}, 0.2, ("Running",)),
    Persona("home_cook", "Home cooks & bakers", 0.15,
            {"Kitchen & Cooking": 0.74, "Home & Garden": 0.12}, 0.1, ("Kitchen & Cooking",)),
    Persona("parent", "Parents of babies & toddlers", 0.14,
            {"Baby & Toddler": 0.72, "Home & Garden": 0.10, "Kitchen & Cooking": 0.04}, 0.2, ("Baby & Toddler",)),
    Persona("deal_seeker", "Bargain hunters & deal seekers", 0.14,
            dict.fromkeys(CATEGORIES, 0.11), -0.9, CATEGORIES, prefers_value=True),
    Persona("camper", "Campers & hikers", 0.14,
            {"Outdoor & Camping": 0.74, "Running": 0.06, "Home & Garden": 0.04}, 0.3, ("Outdoor & Camping",)),
    Persona("yoga", "Yoga & wellness", 0.14,
            {"Fitness & Yoga": 0.55, "Beauty & Wellness": 0.30}, 0.0, ("Fitness & Yoga", "Beauty & Wellness")),
    Persona("pet_owner", "Dog & cat owners", 0.14,
            {"Pets": 0.76, "Home & Garden": 0.10}, 0.0, ("Pets",)),
)

# Country -> (share of customers, realistic cities). The shop is British, so most buyers are in the UK.
COUNTRIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "United Kingdom": (0.62, ("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Edinburgh",
                              "Liverpool", "Sheffield", "Cardiff", "Nottingham", "Brighton", "Leicester",
                              "Newcastle upon Tyne", "Belfast", "Oxford", "Cambridge", "York", "Norwich", "Bath")),
    "Germany": (0.08, ("Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig")),
    "France": (0.06, ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Nice")),
    "Ireland": (0.07, ("Dublin", "Cork", "Galway", "Limerick", "Waterford", "Kilkenny")),
    "Netherlands": (0.05, ("Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven", "Groningen")),
    "Spain": (0.04, ("Madrid", "Barcelona", "Valencia", "Seville", "Bilbao", "Málaga")),
    "United States": (0.05, ("New York", "Boston", "Chicago", "Seattle", "Austin", "Denver", "Portland")),
    "Australia": (0.03, ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide")),
}
