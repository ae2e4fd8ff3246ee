"""What each persona tends to say, as fragments the text composer mixes with shared ones.

Vocabulary overlaps on purpose (runners and yoga people both talk about training and recovery, campers
and runners about trails and waterproof shoes, parents and pet owners about mess and washing, deal
seekers about every category), so segments must come from the whole voice of a customer, not a keyword.

A fragment is either a string that suits any product of the persona's categories, or a pair
(string, pattern) used only when the regex pattern matches the product's name, so a dog lead is never
praised for its cushioning. Slots: ``{product}`` is a product the customer bought.
"""

from __future__ import annotations

Fragment = str | tuple[str, str]

SHOES = "Shoes|Trainer|Boots|Wellies"
DOGGY = "Dog|Lead|Harness|Chew|Poo|Treats|Dental|Bowls|Puzzle|Brush|Carrier|Collar|Remover|Feeder"
CATTY = "Cat|Litter|Tray|Bowls|Feeder|Remover|Carrier|Brush|Collar"
WEARABLE = "Shoes|Trainer|Boots|Wellies|Socks|Jacket|Tights|Shorts|Tee|Gloves|Leggings|Bra|Layer|Trousers|Suit"

# "Bought the {product} ..." continuations that place the purchase in the customer's life.
PURPOSES: dict[str, tuple[Fragment, ...]] = {
    "runner": (
        "for my marathon training", "ahead of the Manchester half marathon", "for parkrun on Saturdays",
        "for my long Sunday runs", ("to replace a pair that had done 500 miles", SHOES + "|Socks"),
        "for a 50k trail ultra in May", ("for winter running in the dark", "Jacket|Torch|Gloves|Armband|Tights"),
        "for my first 10k", "for tempo runs and interval sessions", "because my running club swears by it",
        "for run commuting", "for hilly trail runs", ("for recovery between long runs", "Roller|Massage|Sleeves"),
        ("for strength work alongside my running", "Kettlebell|Dumbbell|Bands|Ball|Board|Bar"),
    ),
    "home_cook": (
        ("for weekend baking", "Mixer|Mat|Scales|Sourdough|Stone|Towels|Utensil|Espresso"),
        ("to finally bake proper sourdough", "Sourdough|Mixer|Mat|Stone|Scales"),
        "for batch cooking on Sundays", "for my new kitchen", ("for Sunday roasts", "Oven|Pan|Thermometer|Knife|Board"),
        ("for stews and slow braises", "Oven|Saucepan|Skillet"),
        ("because my old one warped on the hob", "Skillet|Pan|Wok|Oven|Saucepan"),
        ("for fresh pasta nights", "Pasta|Board|Knife|Scales"), ("for quick stir fries after work", "Wok|Pan|Knife"),
        "as a gift for my mum who loves cooking", ("for curry nights", "Pan|Wok|Grinder|Oven|Saucepan|Knife"),
        "for meal prep", "for family dinners",
    ),
    "parent": (
        "for our 10-month-old", "for my toddler", "before the baby arrived", "for nursery drop-offs",
        "for our second little one", ("for weaning", "Weaning|Cups|Highchair|Muslin|Steriliser"),
        "for the grandparents' house", "for trips to the park", "for our two-year-old who climbs everything",
        "for the newborn stage", ("for bedtime", "Sleep|Monitor|Night|Muslin"), "for holidays with a toddler",
    ),
    "deal_seeker": (
        "in the flash sale", "with the 15% newsletter code", "on Black Friday", "when it dropped to half price",
        "in the January clearance", "with a voucher from my last order", "because it was the cheapest I could find",
        "after waiting weeks for a discount", "in the 3-for-2 multibuy", "with the free delivery code",
        "using my birthday discount", "from the deals page", "at 30% off", "with cashback and a promo code",
    ),
    "camper": (
        "for a week of wild camping in Scotland", "for the West Highland Way", "for family camping in Cornwall",
        "for hiking in the Lake District", "for a Snowdonia weekend", "for backpacking trips",
        "for festival camping", "for hill walking in all weathers", "for a Duke of Edinburgh expedition",
        "for bivvying on the fells", "for the South West Coast Path", "for muddy trail walks with the kids",
    ),
    "yoga": (
        ("for my morning yoga practice", "Yoga|Mat|Blocks|Strap|Leggings|Bra|Cushion"),
        ("for hot yoga classes", "Mat|Leggings|Bra|Towel"), "for pilates at home", "for my self-care Sundays",
        ("for my meditation corner", "Cushion|Diffuser|Oils|Candle|Mat"), "for stretching after the gym",
        "for restorative yoga", ("to build a calmer bedtime routine", "Sleep|Bath|Tea|Diffuser|Oils|Candle|Mask"),
        ("for a slow morning skincare routine", "Serum|Cream|Roller|Pads|Shampoo|Deodorant"),
        "for recovery after workouts", "to take on a yoga retreat", "as part of my wellness routine",
    ),
    "pet_owner": (
        ("for our rescue greyhound", DOGGY), ("for my cocker spaniel", DOGGY), ("for our new puppy", DOGGY),
        ("for my two cats", CATTY), ("for our elderly labrador", DOGGY), ("for the kitten", CATTY),
        ("for long dog walks", "Dog|Lead|Harness|Poo"), ("for my collie who never stops", DOGGY),
        ("for our anxious terrier", DOGGY), ("for our French bulldog", DOGGY), ("for a very fussy cat", CATTY),
        ("for the dog's car journeys", "Carrier|Dog Bed|Harness|Chews|Treats"), "for our pets",
        "for the dog and the cat", "because the vet recommended it",
    ),
}

# What a deal seeker says when, for once, there was no discount on what they bought.
FULL_PRICE_PURPOSES = ("because it was the cheapest I could find", "after comparing prices on three sites",
                       "because I couldn't wait for the sale", "as the best value option", "with free delivery")

# Life-context sentences that say who is writing.
CONTEXTS: dict[str, tuple[Fragment, ...]] = {
    "runner": (
        "I run about 40 miles a week.", "Training for London next spring.", "I do a lot of muddy trail running.",
        "Ran my first marathon last month.", "I'm a heel striker so cushioning matters to me.",
        "I run with a club three evenings a week.", "I mostly do parkrun and the odd half marathon.",
        "My pace has improved a lot since I started training properly.", "Getting back into running after injury.",
        "Did a hilly trail race at the weekend.", "I run early mornings before work, often in the rain.",
        "Fitness has become a big part of my life since I took up running.",
    ),
    "home_cook": (
        "I cook from scratch most nights.", "Baking bread became a hobby that stuck.", "I cook for a family of five.",
        "I love a proper Sunday roast.", "I bake something every weekend.", "Slowly upgrading all my kitchen kit.",
        "I'm a keen home cook, not a chef.", "We host a lot of dinner parties.", "I make my own pasta and pizza dough.",
        "I've been getting into Japanese cooking.", "I meal prep lunches for the whole week.",
        "Cooking family meals is my way to unwind.",
    ),
    "parent": (
        "We have a very active toddler.", "Our little one is teething at the moment.", "I'm a first-time mum.",
        "We're a family of four with two under three.", "My son is 18 months old.", "Sleep has been tough lately.",
        "Our daughter just started nursery.", "As a dad doing most of the nursery runs, practicality matters.",
        "Life with a newborn is chaos.", "Our twins are nearly two.", "The baby goes everywhere with us.",
        "With a toddler everything ends up in the washing machine.",
    ),
    "deal_seeker": (
        "I always wait for the sales.", "I compare prices on three sites before I buy anything.",
        "I signed up to the newsletter just for the discount codes.", "I only buy when there's a discount.",
        "I check the clearance section every week.", "I stock up whenever there's a multibuy.",
        "Price matters more to me than the brand.", "I shop around a lot for the best price.",
        "Money's tight so every discount helps.", "I set price alerts on everything I want.",
        "I never pay full price if I can help it.", "Cashback sites and vouchers are my hobby.",
    ),
    "camper": (
        "We camp most weekends from April to October.", "I do a lot of hill walking and wild camping.",
        "We're a camping family with two kids.", "I hike in all weathers, often in heavy rain.",
        "I've done most of the Munros.", "We took it on a two-week camping trip in France.",
        "Weight matters a lot when I'm backpacking.", "I walk the fells most weekends.",
        "We spent a wet week under canvas in Wales.", "I'm getting into bikepacking and wild camping.",
        "The trails round here are mostly mud and bog.", "Tried trail running this year too, but hiking is my thing.",
    ),
    "yoga": (
        "I practise yoga five times a week.", "I teach a couple of yoga classes a week.",
        "Pilates and yoga keep my back pain in check.", "I try to meditate for ten minutes every morning.",
        "Wellness and a good sleep routine are my priority this year.", "I'm trying to look after myself more.",
        "I do vinyasa flow and some strength training.", "Self-care has become non-negotiable for me.",
        "I cross-train with yoga to stay flexible for running.", "Mindfulness has really helped with stress.",
        "My physio recommended daily stretching.", "I love a gentle fitness routine and a long bath after.",
    ),
    "pet_owner": (
        "We have two dogs and a cat.", ("Our dog is a very strong puller.", DOGGY), ("Our cat is very fussy.", CATTY),
        ("He's a big chewer.", DOGGY), ("We walk the dog twice a day whatever the weather.", DOGGY),
        "We adopted a rescue last year.", ("Our spaniel sheds everywhere.", DOGGY),
        ("The cats are indoor cats.", CATTY), ("Our puppy is still being house trained.", DOGGY),
        ("Our old boy has stiff joints now.", DOGGY), ("The dog comes everywhere with us.", DOGGY),
        "Muddy paws mean everything ends up in the washing machine.",
    ),
}

PRAISE: dict[str, tuple[Fragment, ...]] = {
    "runner": (
        ("The cushioning is brilliant over long distances.", "Shoes|Trainer"),
        ("No blisters even after 20 miles.", "Shoes|Trainer|Socks|Balm"),
        ("Grip is superb on wet trails and muddy descents.", "Trail"),
        ("Really breathable, I don't overheat on tempo runs.", "Tee|Jacket|Tights|Shorts"),
        ("Doesn't bounce at all, even on fast intervals.", "Vest|Belt|Flask|Armband|Torch"),
        ("Battery easily lasts a week of training runs.", "Watch|Torch|Strap"),
        ("My legs recover much faster after long runs.", "Roller|Massage|Sleeves|Compression"),
        "Knocked two minutes off my 10k PB.", "Exactly what I needed for race day.",
        "Made my long runs so much more comfortable.", "Fits right into my marathon training.",
    ),
    "home_cook": (
        ("Heats evenly and holds the heat beautifully.", "Skillet|Oven|Pan|Wok|Saucepan|Stone"),
        ("My sourdough has never had a better crust.", "Sourdough|Stone|Oven|Mat|Scales"),
        ("Razor sharp and feels balanced in the hand.", "Knife"), ("Makes light work of kneading dough.", "Mixer"),
        ("Sears steak perfectly.", "Skillet|Pan|Wok"), ("Goes from hob to oven with no problems.", "Skillet|Oven"),
        ("Keeps my batch-cooked meals fresh all week.", "Containers"),
        "Makes weeknight cooking so much quicker.", "Feels like proper chef's kit.",
        "Cooking for the family is much easier now.",
    ),
    "parent": (
        ("Folds down with one hand while holding the baby.", "Pushchair|Pram|Highchair|Gate"),
        ("Washes well and survived plenty of nappy explosions.", "Muslin|Bag|Suit|Sleep|Mat|Carrier"),
        ("Easy to clean after messy mealtimes.", "Weaning|Cups|Highchair|Mat"),
        ("The baby sleeps so much better now.", "Sleep|Monitor|Night|Muslin"),
        ("Fits in the boot of a small car.", "Pushchair|Pram|Seat"), "Our toddler loves it.",
        "Soft, safe and no sharp edges.", "Survived a very determined toddler.", "A lifesaver for tired parents.",
    ),
    "deal_seeker": (
        "Amazing value for the price.", "Half the price of the big brands and just as good.",
        "At that discount it was a no-brainer.", "Cheaper than anywhere else I looked.",
        ("The multipack works out much cheaper per item.", "Pack|Bundle|Box|Bale|Set"),
        "Great bargain, especially with the code.", "Cheap but it does the job.", "Brilliant deal, I bought two.",
        "Saved nearly twenty quid with the voucher.", "Best price I've seen all year.",
    ),
    "camper": (
        ("Kept us dry through a night of gales.", "Tent|Jacket|Trousers|Bag"),
        ("Packs down small enough for my rucksack.", "Tent|Bag|Mat|Jacket|Set|Stove|Chairs"),
        ("Warm enough for a frosty night on the hill.", "Sleeping|Jacket|Layer|Mat"),
        ("Waterproof through bogs and streams.", "Boots|Trousers|Bag|Socks"),
        ("Pitched in ten minutes in the rain.", "Tent"), ("Boiled water in three minutes at camp.", "Stove|Pot Set"),
        ("Comfortable on a 20 km hike with a heavy pack.", "Backpack|Daypack|Boots|Poles|Socks"),
        "Light enough for multi-day hikes.", "Brilliant bit of kit for the hills.", "Survived a very wet camping trip.",
    ),
    "yoga": (
        ("Great grip even in a sweaty hot yoga class.", "Mat"), ("Doesn't slip during downward dog.", "Mat|Blocks"),
        ("Perfect thickness for my knees in low lunges.", "Mat|Cushion"),
        ("My skin feels so much softer.", "Serum|Cream|Roller|Pads|Bath|Shampoo"),
        ("Really helps me unwind and sleep better.", "Sleep|Bath|Tea|Diffuser|Oils|Candle|Mask|Mat"),
        ("Smells gorgeous and natural.", "Oils|Candle|Bath|Deodorant|Shampoo|Cream|Spray"),
        ("Stays put through a whole vinyasa flow.", "Leggings|Bra"),
        "Great for stretching and recovery after a workout.", "Lovely addition to my wellness routine.",
        "Helps me feel calm and grounded.",
    ),
    "pet_owner": (
        ("Finally a harness he can't wriggle out of.", "Harness"), ("No more pulling on walks.", "Harness|Lead"),
        ("The cat actually uses it, which is a miracle.", "Cat|Litter|Tray"),
        ("Survived a week with our chewer.", "Toy|Chew|Bed|Feeder"),
        ("His coat has never looked better.", "Dog Food|Brush"),
        ("Perfect for his stiff old joints.", "Bed"), ("Even our fussy cat eats it.", "Cat Food"),
        ("Gets every bit of dog hair off the sofa.", "Remover|Brush"),
        ("Our dog absolutely loves it.", DOGGY), "The pets approve.", "Makes life with pets a bit easier.",
    ),
}

GRIPES: dict[str, tuple[Fragment, ...]] = {
    "runner": (
        ("The sole started peeling after about 200 miles.", "Shoes|Trainer"),
        ("Toe box is a bit narrow for longer runs.", "Shoes|Trainer"),
        ("GPS drops out under trees on trail runs.", "Watch"), "Rubbed on anything over 10k.",
        "Pockets are too small for a phone on long runs.", "Not great in heavy rain on a long run.",
    ),
    "home_cook": (
        ("The non-stick coating started to flake after a few weeks.", "Non-Stick|Pan|Mat"),
        ("The handle gets very hot on the hob.", "Pan|Skillet|Wok|Saucepan"),
        ("Blade lost its edge quickly.", "Knife"), "It's much heavier than I expected.",
        "Doesn't feel sturdy enough for daily cooking.", "Fiddly to clean after a big bake.",
    ),
    "parent": (
        ("The buckle is really fiddly with a wriggling toddler.", "Pushchair|Pram|Seat|Carrier|Highchair|Gate"),
        ("Too heavy to lift onto the bus with a baby.", "Pushchair|Pram|Seat"),
        ("Straps twist every single time.", "Pushchair|Pram|Seat|Carrier|Highchair|Bag"),
        "Colour faded after a few washes.", "Our toddler figured it out in a day.",
        "Not ideal with a baby on your hip.",
    ),
    "deal_seeker": (
        "The price dropped a week after I bought it.", "The discount code didn't apply at checkout.",
        "Delivery charge cancelled out the saving.", "Only worth it on sale, not at full price.",
        "The voucher expired before I could use it.", "Would have been cheaper in the multibuy.",
    ),
    "camper": (
        ("Condensation inside the tent was bad.", "Tent"), ("The zip snagged constantly.", "Sleeping|Tent|Jacket"),
        ("Not as warm as the rating claims.", "Sleeping|Jacket|Layer"),
        ("Leaked after a few weeks of wet hikes.", "Boots|Trousers|Bag|Jacket|Tent"),
        ("Poles felt flimsy in strong wind.", "Tent|Poles"), "Heavier than I'd like for backpacking.",
    ),
    "yoga": (
        ("The mat smelt strongly of rubber for weeks.", "Mat"), ("Too slippery for hot yoga.", "Mat|Blocks"),
        ("The scent is a bit overpowering.", "Oils|Candle|Bath|Spray|Cream|Deodorant"),
        ("Went see-through when stretching.", "Leggings|Bra"), ("Broke me out, not for sensitive skin.", "Serum|Cream"),
        "Not as relaxing as I hoped.",
    ),
    "pet_owner": (
        ("Our dog chewed through it in two days.", "Dog|Toy|Chew|Bed|Lead"),
        ("The cat ignores it completely.", "Cat|Feeder|Tray"), ("Sizing runs small, it's tight on our spaniel.",
                                                                 "Harness|Raincoat|Bed|Carrier|Collar"),
        ("The clip feels weak for a strong puller.", "Lead|Harness"), "Fur sticks to it like glue.",
        "The dog wasn't impressed.",
    ),
}

ISSUES: dict[str, tuple[Fragment, ...]] = {
    "runner": (("the sole on my {product} is coming apart after a few weeks of running", "Shoes|Trainer"),
               ("my {product} won't pair with my phone since the update", "Watch|Strap"),
               "the {product} is the wrong size and I have a race on Sunday",
               "the {product} arrived after my marathon, which was the whole point"),
    "home_cook": (("the {product} arrived with a chip in the enamel", "Enamel|Oven|Stone"),
                  ("the {product} doesn't work on my induction hob", "Pan|Skillet|Wok|Saucepan"),
                  ("the {product} is missing the dough hook", "Mixer"),
                  "the {product} arrived broken and I have people coming for dinner on Saturday"),
    "parent": (("the {product} arrived without the rain cover", "Pushchair|Pram"),
               ("the {product} doesn't fit our car seat base", "Seat|Pushchair|Pram"),
               "a part of the {product} snapped and I need it for nursery runs",
               "the {product} has a loose piece which isn't safe for our baby"),
    "deal_seeker": ("my 20% discount code wasn't applied to the {product}",
                    "the {product} was advertised at 25% off but went through at full price",
                    "the {product} is cheaper on your app than on the website, can you price match",
                    "the 3-for-2 offer on the {product} didn't apply at checkout",
                    "I missed the flash sale on the {product} by an hour, can you still honour the sale price"),
    "camper": (("the {product} is missing a pole section and we leave for a camping trip on Friday", "Tent"),
               ("the {product} leaked on its first hike", "Boots|Tent|Jacket|Trousers|Bag|Bottle"),
               "the {product} broke on day two of our camping trip", "I need the {product} before a hiking trip"),
    "yoga": (("the {product} has a tear along the edge", "Mat|Strap|Bag|Leggings|Cushion"),
             ("the {product} I received smells very strongly of chemicals", "Mat|Blocks"),
             ("the {product} arrived leaking in the box", "Serum|Cream|Oils|Spray|Salts|Shampoo"),
             "the {product} I bought for my yoga and wellness routine is faulty"),
    "pet_owner": (("the {product} is too small for our labrador", "Dog Bed|Harness|Raincoat|Carrier|Collar"),
                  ("my dog chewed the {product} within a day, is it covered", "Dog|Toy|Chew|Bed|Lead"),
                  ("the {product} arrived open and the food is spoilt", "Food|Treats|Chews"),
                  "the {product} for our dog and cat arrived damaged"),
}

QUESTIONS: dict[str, tuple[Fragment, ...]] = {
    "runner": (("Is the {product} OK for wide feet?", "Shoes|Trainer"),
               ("Does the {product} fit a 500ml soft flask?", "Vest"),
               ("Will the {product} work for a road marathon or is it trail only?", "Trail"),
               ("Is the {product} bright enough for night runs?", "Torch|Armband"),
               "Is the {product} any good for marathon training?", "Do runners use the {product} for long runs?"),
    "home_cook": (("Is the {product} dishwasher safe?", "Knife|Pan|Board|Containers|Set|Wok|Saucepan"),
                  ("Does the {product} work on induction?", "Pan|Skillet|Wok|Saucepan|Oven"),
                  ("Can the {product} go in the oven at 250C?", "Skillet|Oven|Stone|Mat"),
                  ("Do you sell spare blades or attachments for the {product}?", "Knife|Mixer|Grinder|Maker"),
                  "Is the {product} big enough for cooking for a family?", "Is the {product} good for baking?"),
    "parent": ("What age is the {product} suitable from?", ("Is the {product} machine washable?",
                                                          "Muslin|Sleep|Mat|Suit|Bag|Carrier"),
               ("Does the {product} fold small enough for a plane?", "Pushchair|Pram|Highchair"),
               ("Is the {product} BPA free?", "Cups|Weaning|Steriliser"), "Is the {product} safe for a toddler?"),
    "deal_seeker": ("Will the {product} be in the next sale?",
                    "Do you price match? The {product} is cheaper elsewhere.",
                    "Is there a discount code for the {product}?", "Any multibuy deal on the {product}?",
                    "Can I use two vouchers on the {product}?", "When does the {product} go on offer again?"),
    "camper": (("Is the {product} OK for winter camping?", "Tent|Sleeping|Jacket|Mat|Layer"),
               "What's the packed weight of the {product}?", "Is the {product} waterproof enough for Scottish hills?",
               ("Does the {product} fit in a 45L rucksack?", "Tent|Sleeping|Mat|Stove|Set"),
               ("What's the hydrostatic head on the {product}?", "Tent|Jacket|Trousers")),
    "yoga": (("Is the {product} good for hot yoga?", "Mat|Leggings|Bra|Blocks"),
             "Is the {product} vegan and cruelty free?",
             ("Is the {product} suitable for sensitive skin?", "Serum|Cream|Roller|Shampoo|Deodorant|Pads"),
             ("Can I use the {product} for pilates as well?", "Mat|Blocks|Strap|Ring|Ball|Bands"),
             "Would the {product} suit a beginner's yoga and wellness routine?"),
    "pet_owner": (("Will the {product} fit a 30kg dog?", "Dog Bed|Harness|Raincoat|Carrier|Collar|Lead"),
                  "Is the {product} safe for puppies?", ("Is the {product} suitable for senior dogs?", "Dog|Bed"),
                  ("Does the {product} work for two cats?", "Cat|Feeder|Tray|Litter"),
                  ("Is the {product} chew-proof?", "Dog|Toy|Chew|Bed|Lead"), "Is the {product} OK for cats and dogs?"),
}
