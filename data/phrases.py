"""What each persona tends to say, as fragments the text composer mixes with shared ones.

Vocabulary overlaps on purpose (runners and yoga people both talk about training and recovery, campers
and runners about trails and waterproof shoes, parents and pet owners about mess and washing, deal
seekers about every category), so segments must come from the whole voice of a customer, not a keyword.
Slots: ``{product}`` is a product the customer bought, ``{city}`` their city.
"""

from __future__ import annotations

# "Bought the {product} ..." continuations that place the purchase in the customer's life.
PURPOSES: dict[str, tuple[str, ...]] = {
    "runner": (
        "for my marathon training", "ahead of the Manchester half", "for parkrun on Saturdays",
        "for my long Sunday runs", "to replace a worn-out pair after 500 miles", "for a 50k trail ultra in May",
        "for winter running in the dark", "for my first 10k", "for tempo sessions and intervals",
        "because my club mates swear by it", "for running commutes to work", "for hilly trail runs",
    ),
    "home_cook": (
        "for weekend baking", "to finally make proper sourdough", "for batch cooking on Sundays",
        "for my new kitchen", "to up my Sunday roast game", "for slow-cooked stews and braises",
        "because my old one warped on the hob", "for making fresh pasta with the family",
        "for stir fries after work", "as a gift for my mum who loves cooking", "for curry nights",
        "for meal prep for the week",
    ),
    "parent": (
        "for our 10-month-old", "for my toddler", "before the baby arrived", "for nursery drop-offs",
        "for our second little one", "for weaning", "for the grandparents' house", "for trips to the park",
        "for our two-year-old who climbs everything", "for the newborn stage", "for bedtime",
        "for holidays with a toddler in tow",
    ),
    "deal_seeker": (
        "in the flash sale", "with the 15% newsletter code", "on Black Friday", "when it dropped to half price",
        "in the January clearance", "with a voucher from my last order", "because it was the cheapest I could find",
        "after waiting weeks for a discount", "in the multibuy offer", "with the free delivery code",
        "using my birthday discount", "while it was on the deals page",
    ),
    "camper": (
        "for a week of wild camping in Scotland", "for the West Highland Way", "for family camping in Cornwall",
        "for hiking in the Lake District", "for a Snowdonia weekend", "for backpacking trips",
        "for our first festival camping", "for hill walking in all weathers", "for a Duke of Edinburgh expedition",
        "for bivvying on the fells", "for a coast path hike", "for muddy trail walks with the kids",
    ),
    "yoga": (
        "for my morning yoga practice", "for hot yoga classes", "for pilates at home", "for my meditation corner",
        "for stretching after the gym", "for restorative yoga", "to build a calmer bedtime routine",
        "for my self-care Sundays", "for yin yoga and breathwork", "for recovery after workouts",
        "for a yoga retreat", "for a slow morning skincare routine",
    ),
    "pet_owner": (
        "for our rescue greyhound", "for my cocker spaniel", "for our new puppy", "for my two cats",
        "for our elderly labrador", "for the kitten", "for long dog walks", "for my collie who never stops",
        "for our anxious terrier", "for the dog's car journeys", "for a very fussy cat",
        "for our French bulldog",
    ),
}

# Life-context sentences that say who is writing.
CONTEXTS: dict[str, tuple[str, ...]] = {
    "runner": (
        "I run about 40 miles a week.", "Training for London next spring.", "I do a lot of muddy trail running.",
        "Ran my first marathon in them last month.", "I'm a heel striker so cushioning matters to me.",
        "I run with a club three evenings a week.", "I mostly do parkrun and the odd half marathon.",
        "My pace has improved a lot since I started training properly.", "Getting back into running after an injury.",
        "Did a hilly trail race at the weekend.", "I run early mornings before work, often in the rain.",
    ),
    "home_cook": (
        "I cook from scratch most nights.", "Baking bread has become my lockdown hobby that stuck.",
        "I cook for a family of five.", "I love a proper Sunday roast.", "I bake something every weekend.",
        "Slowly upgrading all my kitchen kit.", "I'm a keen home cook, not a chef.",
        "We host a lot of dinner parties.", "I make my own pasta and pizza dough.",
        "I've been getting into Japanese cooking.", "I meal prep lunches for the whole week.",
    ),
    "parent": (
        "We have a very active toddler.", "Our little one is teething at the moment.", "I'm a first-time mum.",
        "We're a family of four with two under three.", "My son is 18 months old.", "Sleep has been tough lately.",
        "Our daughter just started nursery.", "As a dad doing most of the school runs, practicality matters.",
        "Life with a newborn is chaos.", "Our twins are nearly two.", "The baby goes everywhere with us.",
    ),
    "deal_seeker": (
        "I always wait for the sales.", "I compare prices on three sites before I buy anything.",
        "I signed up to the newsletter just for the codes.", "I only buy when there's a discount.",
        "I check the clearance section every week.", "I stock up whenever there's a multibuy.",
        "Price matters more to me than the brand.", "I shop around a lot for the best price.",
        "Money's tight so every discount helps.", "I set price alerts on everything I want.",
        "I never pay full price if I can help it.",
    ),
    "camper": (
        "We camp most weekends from April to October.", "I do a lot of hill walking and wild camping.",
        "We're a camping family with two kids.", "I hike in all weathers, often in heavy rain.",
        "I've done most of the Munros.", "We took it on a two-week camping trip in France.",
        "Weight matters a lot when I'm backpacking.", "I walk the fells most weekends.",
        "We spent a wet week under canvas in Wales.", "I'm getting into bikepacking and wild camping.",
        "Trail conditions round here are mostly mud and bog.",
    ),
    "yoga": (
        "I practise yoga five times a week.", "I teach a couple of yoga classes a week.",
        "Pilates and yoga keep my back pain in check.", "I try to meditate for ten minutes every morning.",
        "Wellness and a good sleep routine are my priority this year.", "I'm trying to look after myself more.",
        "I do vinyasa flow and some strength training.", "Self-care has become non-negotiable for me.",
        "I cross-train with yoga to stay flexible.", "Mindfulness has really helped with stress.",
        "My physio recommended daily stretching.",
    ),
    "pet_owner": (
        "We have two dogs and a cat.", "Our dog is a very strong puller.", "Our cat is incredibly fussy.",
        "He's a big chewer.", "We walk the dog twice a day whatever the weather.", "We adopted a rescue last year.",
        "Our spaniel sheds everywhere.", "The cats are indoor cats.", "Our puppy is still being house trained.",
        "Our old boy has stiff joints now.", "The dog comes everywhere with us.",
    ),
}

# Persona-specific praise, complaints, ticket problems and chat questions.
PRAISE: dict[str, tuple[str, ...]] = {
    "runner": (
        "The cushioning is brilliant over long distances.", "No blisters even after 20 miles.",
        "Grip is superb on wet trails and muddy descents.", "Really breathable, I don't overheat on tempo runs.",
        "It doesn't bounce at all, even on fast intervals.", "Knocked two minutes off my 10k PB.",
        "Comfortable from the first run, no break-in needed.", "Battery easily lasts a week of training runs.",
    ),
    "home_cook": (
        "Heats evenly and holds the heat beautifully.", "My sourdough has never had a better crust.",
        "Razor sharp and feels balanced in the hand.", "Makes light work of kneading dough.",
        "Sears steak perfectly.", "Goes from hob to oven with no problems.",
        "Cleaned up easily after a big batch of chilli.", "Makes weeknight cooking so much quicker.",
    ),
    "parent": (
        "Folds down with one hand while holding the baby.", "Our toddler loves it.",
        "Washes well and survived plenty of nappy explosions.", "Easy to clean after messy mealtimes.",
        "The baby sleeps so much better now.", "Fits in the boot of a small car.",
        "Soft, safe and no sharp edges.", "Survived a very determined toddler.",
    ),
    "deal_seeker": (
        "Amazing value for the price.", "Half the price of the big brands and just as good.",
        "At that discount it was a no-brainer.", "Cheaper than anywhere else I looked.",
        "The multipack works out much cheaper per item.", "Great bargain, especially with the code.",
        "Cheap but it does the job.", "Brilliant deal, stocked up on two more.",
    ),
    "camper": (
        "Kept us dry through a night of gales.", "Packs down small enough for my rucksack.",
        "Warm enough for a frosty night on the hill.", "Boots were waterproof through bogs and streams.",
        "Pitched in ten minutes in the rain.", "Light enough for multi-day hikes.",
        "Boiled water in three minutes at the campsite.", "Comfortable on a 20 km hike with a heavy pack.",
    ),
    "yoga": (
        "Great grip even in a sweaty hot yoga class.", "Lovely and calming, I use it every evening.",
        "Perfect thickness for my knees in low lunges.", "My skin feels so much softer.",
        "Really helps me unwind and sleep better.", "Doesn't slip during downward dog.",
        "Smells gorgeous and natural.", "Great for stretching and recovery after a workout.",
    ),
    "pet_owner": (
        "Our dog absolutely loves it.", "Finally a harness he can't wriggle out of.",
        "The cat actually uses it, which is a miracle.", "Survived a week with our chewer.",
        "Makes walks so much easier, no more pulling.", "His coat has never looked better.",
        "Perfect for his stiff old joints.", "Even our fussy cat eats it.",
    ),
}

GRIPES: dict[str, tuple[str, ...]] = {
    "runner": (
        "The sole started peeling after about 200 miles.", "Toe box is a bit narrow for longer runs.",
        "Rubbed my heel on anything over 10k.", "The GPS drops out under trees on trail runs.",
        "Pockets are too small for a phone on long runs.",
    ),
    "home_cook": (
        "The non-stick coating started to flake after a few weeks.", "The handle gets very hot on the hob.",
        "It's much heavier than I expected.", "Blade lost its edge quickly.", "The lid doesn't fit snugly.",
    ),
    "parent": (
        "The buckle is really fiddly with a wriggling toddler.", "Too heavy to lift onto the bus with a baby.",
        "Straps twist every single time.", "Colour faded after a few washes.", "Our toddler figured out the latch.",
    ),
    "deal_seeker": (
        "The price dropped a week after I bought it.", "The discount code didn't apply at checkout.",
        "Delivery charge cancelled out the saving.", "Only worth it on sale, not at full price.",
        "The voucher expired before I could use it.",
    ),
    "camper": (
        "Condensation inside the tent was bad.", "The zip on the sleeping bag snagged constantly.",
        "Not as warm as the rating claims.", "Boots leaked after a few weeks of wet hikes.",
        "Poles felt flimsy in strong wind.",
    ),
    "yoga": (
        "The mat smelt strongly of rubber for weeks.", "Too slippery for hot yoga.",
        "The scent is a bit overpowering.", "Leggings went see-through when stretching.",
        "Broke me out, so not for sensitive skin.",
    ),
    "pet_owner": (
        "Our dog chewed through it in two days.", "The cat ignores it completely.",
        "Sizing runs small, it's tight on our spaniel.", "Fur sticks to the fabric like glue.",
        "The clip feels weak for a strong puller.",
    ),
}

ISSUES: dict[str, tuple[str, ...]] = {
    "runner": ("the sole on my {product} is coming apart after a few weeks of running",
               "the {product} is half a size too small and I have a race on Sunday",
               "my {product} won't pair with my phone after the update"),
    "home_cook": ("the {product} arrived with a chip in the enamel",
                  "the {product} doesn't work on my induction hob",
                  "the {product} is missing the dough hook"),
    "parent": ("the {product} arrived without the rain cover",
               "the strap on the {product} snapped and I need it for nursery runs",
               "the {product} doesn't fit our car seat base"),
    "deal_seeker": ("I was charged full price for the {product} even though it was on sale",
                    "my discount code wasn't applied to the {product}",
                    "the {product} dropped in price the day after I ordered, can you refund the difference"),
    "camper": ("the {product} is missing a pole section and we leave for a camping trip on Friday",
               "the {product} leaked on its first hike",
               "the {product} zip broke on day two of our trip"),
    "yoga": ("the {product} has a tear along the edge",
             "the {product} I received smells very strongly of chemicals",
             "the {product} arrived leaking in the box"),
    "pet_owner": ("the {product} is too small for our labrador",
                  "my dog chewed the {product} within a day, is it covered",
                  "the {product} arrived open and the cat food is spoilt"),
}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "runner": ("Is the {product} OK for wide feet?", "Does the {product} come in half sizes?",
               "Will the {product} be OK for a road marathon or is it trail only?",
               "Does the {product} fit a 500ml soft flask?", "Is the {product} reflective for night runs?"),
    "home_cook": ("Is the {product} dishwasher safe?", "Does the {product} work on induction?",
                  "Can the {product} go in the oven at 250C?", "Is the {product} big enough for a family roast?",
                  "Do you sell spare blades for the {product}?"),
    "parent": ("What age is the {product} suitable from?", "Is the {product} machine washable?",
               "Will the {product} fit a newborn?", "Does the {product} fold small enough for a plane?",
               "Is the {product} BPA free?"),
    "deal_seeker": ("Will the {product} be in the next sale?", "Do you price match? The {product} is cheaper elsewhere.",
                    "Is there a discount code for the {product}?", "Any multibuy deal on the {product}?",
                    "Can I use two vouchers on the {product}?"),
    "camper": ("Is the {product} OK for winter camping?", "What's the packed weight of the {product}?",
               "Is the {product} fully waterproof for hiking in Scotland?", "Does the {product} fit a 45L rucksack?",
               "What's the hydrostatic head on the {product}?"),
    "yoga": ("Is the {product} good for hot yoga?", "Is the {product} vegan and cruelty free?",
             "Is the {product} suitable for sensitive skin?", "How thick is the {product}?",
             "Can I use the {product} for pilates as well?"),
    "pet_owner": ("Will the {product} fit a 30kg dog?", "Is the {product} safe for puppies?",
                  "Is the {product} suitable for senior dogs?", "Does the {product} work for two cats?",
                  "Is the {product} chew-proof?"),
}
