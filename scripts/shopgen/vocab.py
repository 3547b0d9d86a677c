"""Vocabularies and fixed distributions of the simulated shop.

Product categories (with price shape, name parts, REES46 category codes and brands), people
and address parts, the categorical distributions of customer / order / return attributes,
and the integer codes used for cart statuses and event types.
"""

import numpy as np

# (category, weight, (median price, lognormal sigma, min, max), adjectives,
#  [(product type, category_code)], brands)
CATEGORIES = [
    ("Electronics", 0.20, (150.0, 0.9, 10.0, 2500.0),
     ["Smart", "Wireless", "Compact", "Portable", "Digital", "Ultra"],
     [("Headphones", "electronics.audio.headphone"), ("Speaker", "electronics.audio.acoustic"),
      ("Monitor", "electronics.video.monitor"), ("TV", "electronics.video.tv"),
      ("Laptop", "electronics.computers.notebook"), ("Smartphone", "electronics.smartphone"),
      ("Camera", "electronics.camera.photo"), ("Tablet", "electronics.tablet"),
      ("Keyboard", "electronics.computers.keyboard"),
      ("Smartwatch", "electronics.wearables.smartwatch")],
     ["samsung", "apple", "sony", "xiaomi", "lg", "huawei", "jbl", "lenovo", "asus", "acer",
      "philips", "canon"]),
    ("Books", 0.12, (18.0, 0.5, 4.0, 90.0),
     ["Hardcover", "Illustrated", "Classic", "Modern", "Paperback"],
     [("Novel", "books.fiction.novel"), ("Anthology", "books.fiction.anthology"),
      ("Memoir", "books.nonfiction.memoir"), ("Guide", "books.nonfiction.guide"),
      ("Biography", "books.nonfiction.biography"), ("Cookbook", "books.cooking"),
      ("Comic", "books.comics")],
     ["penguin", "harpercollins", "scholastic", "hachette", "macmillan", "wiley"]),
    ("Clothing", 0.16, (45.0, 0.6, 8.0, 400.0),
     ["Comfortable", "Classic", "Durable", "Stylish", "Casual"],
     [("Shirt", "clothing.tops.shirt"), ("Sweater", "clothing.tops.sweater"),
      ("Jeans", "clothing.bottoms.jeans"), ("Jacket", "clothing.outerwear.jacket"),
      ("Dress", "clothing.women.dress"), ("Sneakers", "clothing.shoes.sneakers"),
      ("Socks", "clothing.accessories.socks")],
     ["nike", "adidas", "zara", "levis", "uniqlo", "puma", "hm", "gap"]),
    ("Home", 0.15, (70.0, 0.8, 8.0, 1500.0),
     ["Modern", "Rustic", "Elegant", "Cozy"],
     [("Chair", "home.furniture.chair"), ("Table", "home.furniture.table"),
      ("Sofa", "home.furniture.sofa"), ("Lamp", "home.lighting.lamp"),
      ("Rug", "home.decor.rug"), ("Vase", "home.decor.vase"),
      ("Blender", "home.kitchen.blender"), ("Cookware Set", "home.kitchen.cookware")],
     ["ikea", "philips", "tefal", "bosch", "kenwood", "habitat"]),
    ("Toys", 0.10, (25.0, 0.6, 4.0, 300.0),
     ["Fun", "Colorful", "Interactive", "Educational"],
     [("Car", "toys.vehicles.car"), ("Doll", "toys.dolls.doll"),
      ("Puzzle", "toys.games.puzzle"), ("Board Game", "toys.games.board_game"),
      ("Blocks", "toys.construction.blocks"), ("Robot", "toys.electronic.robot")],
     ["lego", "hasbro", "mattel", "playmobil", "ravensburger", "hotwheels"]),
    ("Sports", 0.10, (50.0, 0.8, 6.0, 1500.0),
     ["Pro", "Lightweight", "Durable", "Outdoor"],
     [("Yoga Mat", "sports.fitness.yoga_mat"), ("Dumbbells", "sports.fitness.dumbbell"),
      ("Tennis Racket", "sports.tennis.racket"), ("Football", "sports.team.football"),
      ("Bicycle", "sports.cycling.bicycle"), ("Tent", "sports.camping.tent"),
      ("Running Shoes", "sports.running.shoes")],
     ["decathlon", "wilson", "nike", "adidas", "puma", "coleman", "trek"]),
    ("Beauty", 0.09, (20.0, 0.6, 3.0, 200.0),
     ["Organic", "Hydrating", "Luxury", "Natural"],
     [("Face Cream", "beauty.skincare.cream"), ("Serum", "beauty.skincare.serum"),
      ("Shampoo", "beauty.hair.shampoo"), ("Lipstick", "beauty.makeup.lipstick"),
      ("Perfume", "beauty.fragrance.perfume"), ("Nail Polish", "beauty.nails.polish")],
     ["loreal", "nivea", "maybelline", "garnier", "dove", "clinique"]),
    ("Grocery", 0.08, (9.0, 0.5, 1.5, 80.0),
     ["Organic", "Premium", "Fresh", "Gourmet"],
     [("Coffee", "grocery.beverages.coffee"), ("Tea", "grocery.beverages.tea"),
      ("Olive Oil", "grocery.pantry.oil"), ("Pasta", "grocery.pantry.pasta"),
      ("Honey", "grocery.pantry.honey"), ("Chocolate", "grocery.sweets.chocolate")],
     ["nestle", "lavazza", "barilla", "lindt", "twinings", "illy"]),
]

FIRST_NAMES = np.array([
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark",
    "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
    "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Nathan", "Deborah", "Ryan",
    "Laura", "Jacob", "Rebecca", "Gary", "Sharon", "Brett", "Heather", "Luke", "Rachel",
])
LAST_NAMES = np.array([
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Arnold", "Kelley", "Barnes",
    "Valenzuela", "Aguilar", "Castro", "Dominguez", "Atkinson", "Miranda", "Bryant",
])
STREET_NAMES = np.array([
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset",
    "Miller", "Vincent", "Barnes", "Castro", "Fox", "Aguilar", "Bryant", "River", "Forest",
    "Meadow", "Highland", "Church", "Mill", "Spring", "Willow", "Ridge", "Valley", "Jackson",
])
STREET_SUFFIXES = np.array([
    "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Parkway", "Springs", "Wells",
    "Corners", "Lodge", "Fords", "Parks", "Way", "Place", "Trail",
])
CITIES = np.array([
    "Springfield", "Riverside", "Franklin", "Greenville", "Fairview", "Madison", "Georgetown",
    "Salem", "Clinton", "Arlington", "Ashland", "Jessicaport", "North Christopher",
    "Johnsonburgh", "Port Paul", "Lake Jessica", "East Jasonside", "Stevenmouth", "North Bonnie",
    "West Laura", "South Kevin", "New Amanda", "Millerfort", "Davisview",
])
STATES = np.array([
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY",
])
EMAIL_DOMAINS = np.array(["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com"])
GUEST_DOMAINS = np.array(["example.org", "example.com", "example.net"])

GENDERS = (["Female", "Male", "Unknown", "Non-binary"], [0.45, 0.43, 0.09, 0.03])
CUSTOMER_STATUSES = (["Active", "Inactive", "Dormant"], [0.62, 0.20, 0.18])
SIGNUP_CHANNELS = (["Website", "Mobile App", "Social Media", "Email", "Referral", "Phone"],
                   [0.35, 0.22, 0.15, 0.12, 0.08, 0.08])
TIERS = ["Bronze", "Silver", "Gold", "Platinum"]
TIER_P = [0.50, 0.25, 0.15, 0.10]
ORDER_CHANNELS = (["Web", "Mobile App", "Phone", "Social Media", "Ebay", "NewEgg"],
                  [0.45, 0.15, 0.15, 0.12, 0.09, 0.04])
PAYMENT_METHODS = (["Credit Card", "PayPal", "Apple Pay", "Google Pay", "Debit Card", "ACH"],
                   [0.48, 0.18, 0.12, 0.08, 0.09, 0.05])
PAYMENT_FEE_RATE = np.array([0.025, 0.029, 0.025, 0.025, 0.015, 0.01])
SHIPPING = (["Standard", "Two-Day", "Overnight"], [0.62, 0.20, 0.18])
SHIPPING_COST_CENTS = np.array([500, 4500, 8000])
RETURN_REASONS = ["Wrong item", "Found a better price", "Damaged in transit",
                  "Product did not match description", "No longer needed", "Defective",
                  "Item arrived late", "Arrived damaged", "Changed mind"]
RETURN_TYPES = (["Refund", "Store Credit", "Exchange"], [0.80, 0.10, 0.10])
CLV_BUCKETS = ["Low", "Medium", "High"]
EVENT_TYPES = ["view", "cart", "remove_from_cart", "purchase"]
EV_VIEW, EV_CART, EV_REMOVE, EV_PURCHASE = 0, 1, 2, 3

# cart status codes
ST_CONVERTED, ST_ABANDONED, ST_EMPTIED, ST_OPEN = 0, 1, 2, 3
STATUS_NAMES = ["converted", "abandoned", "emptied", "open"]
BASE_STATUS_P = [0.10, 0.72, 0.18]
LINE_COUNT_P = [0.25, 0.22, 0.18, 0.15, 0.12, 0.08]      # 1..6 lines
QUANTITY_P = [0.30, 0.28, 0.20, 0.10, 0.08, 0.04]        # 1..6 units

CATEGORY_NAMES = np.array([c[0] for c in CATEGORIES], dtype=object)
