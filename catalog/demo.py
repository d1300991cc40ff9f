"""The demo catalogue `seed_demo` builds: an Indian grocery shop's shelves.

Eight top categories with 42 subcategories; each subcategory names its
brands, pack sizes (with a price factor) and items (with the price of the
first pack). Products are brand x item (x a variety once those run out), so
the same index always gives the same product, which makes seeding repeatable
and lets a second run top up. Pictures are drawn here with Pillow from
Debian's colour emoji font: the item on a pack (loose, bottle or pouch) in
the category's colour; without the font, a tile with the item's initials.
"""

import colorsys
import random
import textwrap
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from catalog.models import name_initials


@dataclass(frozen=True)
class Subcategory:
    name: str
    brands: tuple[str, ...]
    packs: tuple[tuple[str, float], ...]
    items: tuple[tuple[str, int], ...]
    # Loose produce is named without the brand for the first brand.
    loose: bool = False


@dataclass(frozen=True)
class TopCategory:
    name: str
    colour: str
    blurb: str
    seller: str
    children: tuple[Subcategory, ...]


FARMS = ("FreshCart Farms", "Green Valley", "Kisan Fresh")

CATALOGUE = (
    TopCategory(
        "Fruits & Vegetables",
        "#2e7d32",
        "Sourced from farms every morning and hand-sorted for quality. "
        "Wash before use and store in a cool place.",
        "seller@freshcart.test",
        (
            Subcategory(
                "Fresh Fruits",
                FARMS,
                (("500 g", 1), ("1 kg", 1.85), ("2 kg", 3.5)),
                (
                    ("Banana Robusta", 45),
                    ("Apple Shimla", 120),
                    ("Pomegranate", 140),
                    ("Papaya", 40),
                    ("Mango Alphonso", 250),
                    ("Orange Nagpur", 80),
                    ("Green Grapes", 90),
                    ("Watermelon", 35),
                    ("Guava", 60),
                    ("Pineapple", 70),
                    ("Sweet Lime Mosambi", 70),
                    ("Chikoo", 80),
                ),
                loose=True,
            ),
            Subcategory(
                "Fresh Vegetables",
                FARMS,
                (("250 g", 1), ("500 g", 1.9), ("1 kg", 3.6)),
                (
                    ("Onion", 15),
                    ("Tomato Hybrid", 12),
                    ("Potato", 12),
                    ("Cauliflower", 25),
                    ("Carrot Ooty", 20),
                    ("Cucumber", 12),
                    ("Capsicum Green", 22),
                    ("Lady Finger Bhindi", 18),
                    ("Brinjal Bharta", 15),
                    ("Bottle Gourd Lauki", 14),
                ),
                loose=True,
            ),
            Subcategory(
                "Exotic Fruits & Veggies",
                ("FreshCart Farms", "Exotic Basket", "Green Valley"),
                (("1 pc", 1), ("2 pcs", 1.9), ("4 pcs", 3.6)),
                (
                    ("Avocado Hass", 150),
                    ("Kiwi Green", 40),
                    ("Dragon Fruit", 90),
                    ("Broccoli", 60),
                    ("Zucchini Green", 45),
                    ("Red Capsicum", 55),
                    ("Blueberries", 199),
                    ("Cherry Tomato", 45),
                ),
                loose=True,
            ),
            Subcategory(
                "Herbs & Seasonings",
                FARMS,
                (("100 g", 1), ("250 g", 2.3)),
                (
                    ("Coriander Leaves", 12),
                    ("Mint Leaves", 10),
                    ("Curry Leaves", 8),
                    ("Ginger", 20),
                    ("Garlic", 30),
                    ("Lemon", 15),
                    ("Spring Onion", 18),
                    ("Green Chilli", 10),
                ),
                loose=True,
            ),
            Subcategory(
                "Organic Produce",
                ("Organic Tattva", "Pro Nature", "FreshCart Organics"),
                (("500 g", 1), ("1 kg", 1.9)),
                (
                    ("Organic Banana", 60),
                    ("Organic Tomato", 35),
                    ("Organic Potato", 30),
                    ("Organic Onion", 35),
                    ("Organic Carrot", 40),
                    ("Organic Spinach", 30),
                ),
            ),
            Subcategory(
                "Cuts & Sprouts",
                ("FreshCut", "FreshCart Farms", "Green Valley"),
                (("200 g", 1), ("400 g", 1.9)),
                (
                    ("Mixed Sprouts", 35),
                    ("Moong Sprouts", 30),
                    ("Diced Pumpkin", 40),
                    ("Peeled Garlic", 45),
                    ("Sweet Corn Kernels", 50),
                    ("Chopped Salad Mix", 60),
                ),
            ),
        ),
    ),
    TopCategory(
        "Dairy & Breakfast",
        "#1565c0",
        "Fresh from the dairy and kept cold all the way to your door. Keep "
        "refrigerated and use before the date on the pack.",
        "dairy@freshcart.test",
        (
            Subcategory(
                "Milk",
                ("Amul", "Mother Dairy", "Nandini", "Heritage", "Akshayakalpa"),
                (("500 ml", 1), ("1 l", 1.95)),
                (
                    ("Toned Milk", 27),
                    ("Full Cream Milk", 33),
                    ("Double Toned Milk", 25),
                    ("Cow Milk", 30),
                    ("Lactose Free Milk", 65),
                    ("Slim Milk", 26),
                ),
            ),
            Subcategory(
                "Curd & Yogurt",
                ("Amul", "Mother Dairy", "Epigamia", "Milky Mist"),
                (("200 g", 1), ("400 g", 1.9), ("1 kg", 4.2)),
                (
                    ("Fresh Dahi", 25),
                    ("Greek Yogurt", 60),
                    ("Mishti Doi", 40),
                    ("Probiotic Curd", 35),
                    ("Strawberry Yogurt", 40),
                    ("Masala Buttermilk", 15),
                ),
            ),
            Subcategory(
                "Butter & Cheese",
                ("Amul", "Britannia", "Go", "Mother Dairy"),
                (("100 g", 1), ("200 g", 1.95), ("500 g", 4.6)),
                (
                    ("Salted Butter", 56),
                    ("Unsalted Butter", 58),
                    ("Cheese Slices", 70),
                    ("Mozzarella Cheese", 110),
                    ("Cheese Spread", 95),
                    ("Processed Cheese Block", 105),
                ),
            ),
            Subcategory(
                "Paneer & Cream",
                ("Amul", "Milky Mist", "Mother Dairy", "Gowardhan"),
                (("200 g", 1), ("500 g", 2.4)),
                (
                    ("Fresh Paneer", 90),
                    ("Malai Paneer", 100),
                    ("Fresh Cream", 65),
                    ("Low Fat Paneer", 95),
                    ("Tofu", 85),
                    ("Khoa", 120),
                ),
            ),
            Subcategory(
                "Bread & Eggs",
                ("Britannia", "Harvest Gold", "Modern", "English Oven"),
                (("1 pack", 1), ("2 packs", 1.95)),
                (
                    ("White Bread", 40),
                    ("Brown Bread", 50),
                    ("Multigrain Bread", 55),
                    ("Ladi Pav", 30),
                    ("Burger Buns", 40),
                    ("Farm Eggs 6 pcs", 48),
                    ("Brown Eggs 6 pcs", 70),
                    ("Whole Wheat Bread", 50),
                ),
            ),
            Subcategory(
                "Cereals & Muesli",
                ("Kellogg's", "Bagrry's", "Quaker", "Saffola", "Yogabar"),
                (("250 g", 1), ("500 g", 1.9), ("1 kg", 3.6)),
                (
                    ("Corn Flakes", 110),
                    ("Chocolate Flakes", 150),
                    ("Fruit & Nut Muesli", 220),
                    ("Rolled Oats", 99),
                    ("Masala Oats", 30),
                    ("Crunchy Granola", 250),
                ),
            ),
        ),
    ),
    TopCategory(
        "Snacks & Munchies",
        "#e65100",
        "A tasty snack for tea time, movie nights and everything in between. "
        "Store in a cool, dry place; once opened, keep sealed.",
        "snacks@freshcart.test",
        (
            Subcategory(
                "Chips & Crisps",
                ("Lay's", "Bingo", "Uncle Chipps", "Haldiram's"),
                (("52 g", 1), ("90 g", 1.7), ("150 g", 2.7)),
                (
                    ("Classic Salted Chips", 20),
                    ("Magic Masala Chips", 20),
                    ("Cream & Onion Chips", 20),
                    ("Tomato Tango Chips", 20),
                    ("Peri Peri Chips", 30),
                    ("Kerala Banana Chips", 40),
                ),
            ),
            Subcategory(
                "Namkeen & Bhujia",
                ("Haldiram's", "Bikaji", "Balaji", "Bikanervala"),
                (("200 g", 1), ("400 g", 1.9), ("1 kg", 4.4)),
                (
                    ("Aloo Bhujia", 55),
                    ("Moong Dal Namkeen", 50),
                    ("Khatta Meetha", 55),
                    ("Navratan Mix", 60),
                    ("Bhujia Sev", 55),
                    ("Chana Jor Garam", 50),
                ),
            ),
            Subcategory(
                "Biscuits & Cookies",
                ("Britannia", "Parle", "Sunfeast", "McVitie's", "Unibic"),
                (("75 g", 1), ("150 g", 1.9), ("300 g", 3.6)),
                (
                    ("Butter Cookies", 30),
                    ("Cashew Cookies", 25),
                    ("Chocolate Cream Biscuits", 20),
                    ("Digestive Biscuits", 30),
                    ("Marie Biscuits", 12),
                    ("Glucose Biscuits", 10),
                    ("Oats Cookies", 35),
                    ("Choco Chip Cookies", 35),
                ),
            ),
            Subcategory(
                "Chocolates & Candies",
                ("Cadbury", "Amul", "Nestle", "Mars"),
                (("1 bar", 1), ("pack of 3", 2.8), ("pack of 6", 5.4)),
                (
                    ("Milk Chocolate", 40),
                    ("Dark Chocolate", 120),
                    ("Fruit & Nut Bar", 90),
                    ("Wafer Bar", 30),
                    ("Caramel Bar", 50),
                    ("Eclairs Toffee", 99),
                ),
            ),
            Subcategory(
                "Nuts & Dry Fruits",
                ("Happilo", "Nutraj", "Tata Sampann", "FreshCart Select"),
                (("100 g", 1), ("250 g", 2.4), ("500 g", 4.6)),
                (
                    ("California Almonds", 120),
                    ("Whole Cashews", 130),
                    ("Walnut Kernels", 180),
                    ("Golden Raisins", 60),
                    ("Roasted Pistachios", 210),
                    ("Seedless Dates", 80),
                    ("Mixed Dry Fruits", 160),
                    ("Makhana Fox Nuts", 110),
                ),
            ),
            Subcategory(
                "Popcorn & Nachos",
                ("Act II", "4700BC", "Cornitos", "Bingo"),
                (("60 g", 1), ("150 g", 2.2)),
                (
                    ("Butter Popcorn", 50),
                    ("Cheese Nachos", 40),
                    ("Salsa Nachos", 40),
                    ("Caramel Popcorn", 60),
                    ("Peri Peri Nachos", 40),
                    ("Classic Salted Popcorn", 45),
                ),
            ),
        ),
    ),
    TopCategory(
        "Beverages",
        "#ad1457",
        "Refreshing and best served chilled. Store in a cool, dry place away "
        "from sunlight.",
        "snacks@freshcart.test",
        (
            Subcategory(
                "Soft Drinks",
                ("Coca-Cola", "Pepsi", "Campa", "Paper Boat"),
                (("250 ml", 1), ("750 ml", 2.2), ("2 l", 4.6)),
                (
                    ("Cola", 20),
                    ("Lemon Lime Soda", 20),
                    ("Orange Fizz", 20),
                    ("Jeera Masala Soda", 20),
                    ("Ginger Ale", 40),
                    ("Mango Drink", 20),
                ),
            ),
            Subcategory(
                "Fruit Juices",
                ("Real", "Tropicana", "B Natural", "Paper Boat"),
                (("200 ml", 1), ("1 l", 3.8)),
                (
                    ("Mixed Fruit Juice", 25),
                    ("Orange Juice", 30),
                    ("Guava Juice", 25),
                    ("Apple Juice", 30),
                    ("Litchi Juice", 25),
                    ("Tender Coconut Water", 45),
                    ("Aam Panna", 30),
                ),
            ),
            Subcategory(
                "Tea",
                ("Tata Tea", "Red Label", "Taj Mahal", "Wagh Bakri", "Tetley"),
                (("250 g", 1), ("500 g", 1.9), ("1 kg", 3.7)),
                (
                    ("Premium Leaf Tea", 140),
                    ("Masala Chai", 150),
                    ("Green Tea", 150),
                    ("Assam Tea", 130),
                    ("Darjeeling Tea", 250),
                    ("Lemon Green Tea", 160),
                ),
            ),
            Subcategory(
                "Coffee",
                ("Nescafe", "Bru", "Continental", "Sleepy Owl"),
                (("50 g", 1), ("100 g", 1.9), ("200 g", 3.6)),
                (
                    ("Instant Coffee", 160),
                    ("Filter Coffee Powder", 110),
                    ("Classic Coffee", 170),
                    ("Cold Coffee Mix", 90),
                    ("Gold Coffee", 320),
                    ("South Indian Filter Blend", 120),
                ),
            ),
            Subcategory(
                "Water & Soda",
                ("Bisleri", "Kinley", "Aquafina", "Himalayan"),
                (("500 ml", 1), ("1 l", 1.6), ("5 l", 4.5)),
                (
                    ("Packaged Drinking Water", 10),
                    ("Club Soda", 20),
                    ("Natural Mineral Water", 20),
                    ("Sparkling Water", 50),
                    ("Tonic Water", 60),
                ),
            ),
        ),
    ),
    TopCategory(
        "Atta, Rice & Dal",
        "#795548",
        "A kitchen staple, cleaned and packed hygienically. Store in an airtight "
        "container in a cool, dry place.",
        "seller@freshcart.test",
        (
            Subcategory(
                "Atta & Flours",
                ("Aashirvaad", "Pillsbury", "Fortune", "Tata Sampann", "Rajdhani"),
                (("1 kg", 1), ("5 kg", 4.6), ("10 kg", 8.9)),
                (
                    ("Whole Wheat Atta", 60),
                    ("Multigrain Atta", 75),
                    ("Besan", 90),
                    ("Maida", 45),
                    ("Rava Sooji", 50),
                    ("Ragi Flour", 70),
                    ("Rice Flour", 55),
                ),
            ),
            Subcategory(
                "Rice",
                ("India Gate", "Daawat", "Fortune", "Kohinoor", "24 Mantra Organic"),
                (("1 kg", 1), ("5 kg", 4.7)),
                (
                    ("Basmati Rice", 140),
                    ("Sona Masoori Rice", 70),
                    ("Brown Rice", 130),
                    ("Kolam Rice", 65),
                    ("Thick Poha", 50),
                    ("Idli Rice", 60),
                ),
            ),
            Subcategory(
                "Dal & Pulses",
                ("Tata Sampann", "Fortune", "24 Mantra Organic", "FreshCart Select"),
                (("500 g", 1), ("1 kg", 1.9)),
                (
                    ("Toor Dal", 85),
                    ("Moong Dal", 70),
                    ("Chana Dal", 55),
                    ("Masoor Dal", 60),
                    ("Urad Dal", 80),
                    ("Rajma Chitra", 90),
                    ("Kabuli Chana", 85),
                ),
            ),
            Subcategory(
                "Oils & Ghee",
                ("Fortune", "Saffola", "Dhara", "Amul", "Gemini"),
                (("500 ml", 1), ("1 l", 1.9), ("5 l", 9)),
                (
                    ("Sunflower Oil", 85),
                    ("Kachi Ghani Mustard Oil", 95),
                    ("Groundnut Oil", 120),
                    ("Rice Bran Oil", 90),
                    ("Pure Cow Ghee", 320),
                    ("Extra Virgin Olive Oil", 450),
                ),
            ),
            Subcategory(
                "Masalas & Spices",
                ("MDH", "Everest", "Catch", "Tata Sampann"),
                (("100 g", 1), ("200 g", 1.9)),
                (
                    ("Turmeric Powder", 35),
                    ("Red Chilli Powder", 45),
                    ("Garam Masala", 70),
                    ("Coriander Powder", 35),
                    ("Cumin Seeds Jeera", 70),
                    ("Chaat Masala", 50),
                    ("Kitchen King Masala", 75),
                    ("Black Pepper", 120),
                ),
            ),
            Subcategory(
                "Sugar, Salt & Jaggery",
                ("Tata", "Madhur", "24 Mantra Organic", "Catch"),
                (("500 g", 1), ("1 kg", 1.9)),
                (
                    ("Refined Sugar", 25),
                    ("Iodised Salt", 14),
                    ("Rock Salt", 40),
                    ("Jaggery Powder", 60),
                    ("Brown Sugar", 60),
                    ("Jaggery Cubes", 65),
                ),
            ),
        ),
    ),
    TopCategory(
        "Cleaning Essentials",
        "#00838f",
        "Tough on dirt and gentle on surfaces, for a clean and fresh home. Keep "
        "out of reach of children.",
        "homecare@freshcart.test",
        (
            Subcategory(
                "Detergents",
                ("Surf Excel", "Ariel", "Tide", "Rin"),
                (("500 g", 1), ("1 kg", 1.9), ("4 kg", 7)),
                (
                    ("Detergent Powder", 65),
                    ("Liquid Detergent", 120),
                    ("Front Load Matic Powder", 240),
                    ("Top Load Matic Liquid", 130),
                    ("Fabric Conditioner", 110),
                ),
            ),
            Subcategory(
                "Dishwash",
                ("Vim", "Pril", "Exo", "Pitambari"),
                (("250 ml", 1), ("500 ml", 1.8), ("1 l", 3.3)),
                (
                    ("Dishwash Liquid Lemon", 55),
                    ("Dishwash Gel", 99),
                    ("Dishwash Liquid Pudina", 55),
                    ("Dishwash Liquid Lime", 55),
                    ("Anti Smell Dishwash", 65),
                ),
            ),
            Subcategory(
                "Floor & Surface Cleaners",
                ("Lizol", "Colin", "Domex", "Mr Muscle"),
                (("500 ml", 1), ("1 l", 1.9), ("2 l", 3.6)),
                (
                    ("Floor Cleaner Citrus", 99),
                    ("Floor Cleaner Lavender", 99),
                    ("Glass Cleaner", 90),
                    ("Kitchen Cleaner Spray", 110),
                    ("Disinfectant Surface Cleaner", 120),
                ),
            ),
            Subcategory(
                "Toilet Cleaners",
                ("Harpic", "Domex", "Lizol", "Sanifresh"),
                (("500 ml", 1), ("1 l", 1.9)),
                (
                    ("Toilet Cleaner Original", 95),
                    ("Toilet Cleaner Lemon", 99),
                    ("Bathroom Cleaner", 110),
                    ("Thick Gel Toilet Cleaner", 105),
                ),
            ),
            Subcategory(
                "Fresheners & Garbage Bags",
                ("Odonil", "Ambi Pur", "Godrej aer", "Origami", "FreshCart Select"),
                (("1 pack", 1), ("2 packs", 1.9)),
                (
                    ("Garbage Bags Medium", 99),
                    ("Garbage Bags Large", 110),
                    ("Room Freshener Spray", 199),
                    ("Car Air Freshener", 150),
                    ("Paper Napkins", 60),
                    ("Kitchen Towel Roll", 120),
                ),
            ),
        ),
    ),
    TopCategory(
        "Personal Care",
        "#6a1b9a",
        "Everyday care for you and your family. For external use only; read "
        "the pack before use.",
        "homecare@freshcart.test",
        (
            Subcategory(
                "Bath & Body",
                ("Dove", "Lux", "Santoor", "Pears", "Mysore Sandal", "Dettol"),
                (("100 g", 1), ("3 x 100 g", 2.7)),
                (
                    ("Sandal Soap", 45),
                    ("Lime Fresh Soap", 40),
                    ("Moisturising Body Wash", 199),
                    ("Handwash Refill", 99),
                    ("Glycerin Soap", 60),
                    ("Neem Soap", 40),
                ),
            ),
            Subcategory(
                "Hair Care",
                ("Head & Shoulders", "Dove", "Clinic Plus", "Parachute", "Bajaj"),
                (("180 ml", 1), ("340 ml", 1.8), ("650 ml", 3.2)),
                (
                    ("Anti Dandruff Shampoo", 180),
                    ("Smooth & Silky Shampoo", 160),
                    ("Hair Conditioner", 190),
                    ("Coconut Hair Oil", 100),
                    ("Almond Hair Oil", 140),
                ),
            ),
            Subcategory(
                "Oral Care",
                ("Colgate", "Sensodyne", "Dabur", "Pepsodent", "Closeup"),
                (("100 g", 1), ("2 x 150 g", 2.6)),
                (
                    ("Cavity Protection Toothpaste", 55),
                    ("Herbal Toothpaste", 95),
                    ("Sensitive Toothpaste", 130),
                    ("Fresh Mint Mouthwash", 140),
                    ("Gel Toothpaste", 60),
                ),
            ),
            Subcategory(
                "Skin Care",
                ("Himalaya", "Nivea", "Ponds", "Lakme", "Mamaearth"),
                (("50 ml", 1), ("100 ml", 1.8)),
                (
                    ("Neem Face Wash", 110),
                    ("Moisturising Lotion", 199),
                    ("Sunscreen SPF 50", 299),
                    ("Light Face Cream", 149),
                    ("Lip Balm", 99),
                    ("Aloe Vera Gel", 150),
                ),
            ),
        ),
    ),
    TopCategory(
        "Instant & Frozen Food",
        "#c62828",
        "Quick to make and full of flavour, ready in minutes. Follow the "
        "instructions on the pack.",
        "dairy@freshcart.test",
        (
            Subcategory(
                "Noodles & Pasta",
                ("Maggi", "Yippee", "Top Ramen", "Ching's", "Del Monte"),
                (("1 pack", 1), ("4 packs", 3.6), ("12 packs", 10.5)),
                (
                    ("Masala Noodles", 14),
                    ("Atta Noodles", 25),
                    ("Cup Noodles", 45),
                    ("Hakka Noodles", 40),
                    ("Penne Pasta", 60),
                    ("Macaroni", 50),
                    ("Fusilli Pasta", 60),
                ),
            ),
            Subcategory(
                "Ready to Cook",
                ("MTR", "Haldiram's", "Gits", "iD Fresh"),
                (("1 pack", 1), ("2 packs", 1.9)),
                (
                    ("Dal Makhani", 99),
                    ("Paneer Butter Masala", 120),
                    ("Rajma Masala", 90),
                    ("Upma Mix", 60),
                    ("Instant Idli Mix", 70),
                    ("Dosa Batter", 60),
                    ("Gulab Jamun Mix", 85),
                ),
            ),
            Subcategory(
                "Frozen Snacks",
                ("McCain", "Safal", "ITC Master Chef", "Godrej Yummiez", "Prasuma"),
                (("400 g", 1), ("1 kg", 2.3)),
                (
                    ("Aloo Tikki", 110),
                    ("Veg Nuggets", 140),
                    ("French Fries", 120),
                    ("Frozen Green Peas", 80),
                    ("Frozen Sweet Corn", 90),
                    ("Malabar Parotta", 90),
                    ("Veg Momos", 150),
                ),
            ),
            Subcategory(
                "Sauces & Spreads",
                ("Kissan", "Maggi", "Veeba", "Sundrop", "Dabur"),
                (("200 g", 1), ("500 g", 2.2), ("1 kg", 4)),
                (
                    ("Tomato Ketchup", 60),
                    ("Eggless Mayonnaise", 80),
                    ("Crunchy Peanut Butter", 140),
                    ("Mixed Fruit Jam", 90),
                    ("Schezwan Chutney", 85),
                    ("Chocolate Spread", 190),
                    ("Pure Honey", 150),
                ),
            ),
        ),
    ),
)

# Words that make further distinct products once brand x item runs out.
VARIETIES = (
    "Premium",
    "Classic",
    "Select",
    "Gold",
    "Value Pack",
    "Family Pack",
    "Special",
    "Daily",
    "Pure",
    "Rich",
    "Lite",
    "Royal",
)

# name, email; the first is the demo seller `demo_accounts_ensure` creates.
SELLERS = (
    ("Green Valley Farms", "seller@freshcart.test"),
    ("Daily Dairy Co", "dairy@freshcart.test"),
    ("Snack Street Traders", "snacks@freshcart.test"),
    ("HomeCare Supplies", "homecare@freshcart.test"),
)

REVIEWERS = (
    "Priya Sharma",
    "Rahul Verma",
    "Ananya Iyer",
    "Vikram Singh",
    "Meera Nair",
    "Arjun Reddy",
    "Kavya Rao",
    "Rohan Gupta",
    "Sneha Kulkarni",
    "Aditya Menon",
)
REVIEW_TEXTS = {
    5: [
        ("Excellent", "Fresh and exactly as shown. Delivered in minutes!"),
        ("Loved it", "Great quality, will order again."),
        ("Worth it", "Good value for the price and well packed."),
    ],
    4: [
        ("Good", "Good quality, the pack was a little dented."),
        ("Nice", "Tastes good and arrived quickly."),
    ],
    3: [("Okay", "Decent, but I have had better."), ("Average", "It does the job.")],
    2: [("Not great", "Quality was not up to the mark this time.")],
}


@dataclass(frozen=True)
class DemoProduct:
    index: int
    top: TopCategory
    sub: Subcategory
    item: str
    base_price: int
    brand: str
    name: str


def categories_chosen(total: int | None) -> list[tuple[TopCategory, list[Subcategory]]]:
    """Return the top categories and as many subcategories as make `total`.

    Subcategories are taken round-robin across the top categories, so a
    smaller shop still has every aisle.
    """
    chosen = {top.name: [] for top in CATALOGUE}
    if total is None:
        total = len(CATALOGUE) + sum(len(top.children) for top in CATALOGUE)
    room = max(0, total - len(CATALOGUE))
    depth = 0
    while room > 0 and depth < max(len(top.children) for top in CATALOGUE):
        for top in CATALOGUE:
            if room and depth < len(top.children):
                chosen[top.name].append(top.children[depth])
                room -= 1
        depth += 1
    return [(top, chosen[top.name]) for top in CATALOGUE]


def products_plan(tree: list[tuple[TopCategory, list[Subcategory]]]):
    """Yield the demo products in their fixed order, spread over subcategories."""
    lanes = []
    for top, subs in tree:
        for sub in subs:
            combos = [
                (sub, item, price, brand)
                for item, price in sub.items
                for brand in sub.brands
            ]
            lanes.append((top, combos))
    if not lanes:
        return
    index, round_no = 0, 0
    while True:
        # One lap gives each subcategory its next product.
        longest = max(len(combos) for _top, combos in lanes)
        for step in range(longest):
            for top, combos in lanes:
                if step >= len(combos):
                    continue
                sub, item, price, brand = combos[step]
                yield DemoProduct(
                    index=index,
                    top=top,
                    sub=sub,
                    item=item,
                    base_price=price,
                    brand=brand,
                    name=_product_name(sub, item, brand, round_no),
                )
                index += 1
        round_no += 1


def _product_name(sub: Subcategory, item: str, brand: str, round_no: int) -> str:
    if round_no == 0:
        if sub.loose and brand == sub.brands[0]:
            return item
        return f"{brand} {item}"
    if round_no <= len(VARIETIES):
        return f"{brand} {VARIETIES[round_no - 1]} {item}"
    return f"{brand} {item} No. {round_no - len(VARIETIES) + 1}"


def product_name_free(product: DemoProduct, *, taken: set[str]) -> str:
    """Return the product's name, or a variety of it no product has yet."""
    if product.name not in taken:
        return product.name
    for variety in VARIETIES:
        name = f"{product.brand} {variety} {product.item}"
        if name not in taken:
            return name
    n = 2
    while f"{product.name} No. {n}" in taken:
        n += 1
    return f"{product.name} No. {n}"


def _rupees(value: float) -> Decimal:
    return Decimal(str(max(1, round(value)))).quantize(
        Decimal("1"), rounding=ROUND_HALF_UP
    )


def variants_plan(product: DemoProduct) -> list[dict]:
    """Return the product's pack sizes with price, MRP and stock, always the same."""
    rng = random.Random(product.index)
    packs = product.sub.packs[: rng.randint(1, len(product.sub.packs))]
    out_of_stock = rng.random() < 0.08
    wobble = 0.85 + rng.random() * 0.3
    variants = []
    for position, (label, factor) in enumerate(packs):
        price = _rupees(product.base_price * factor * wobble)
        discount = rng.choice((0, 0, 5, 8, 10, 12, 15, 20, 25))
        mrp = max(price, _rupees(float(price) * 100 / (100 - discount)))
        if out_of_stock:
            stock = 0
        elif rng.random() < 0.1:
            stock = rng.randint(1, 5)
        else:
            stock = rng.randint(12, 240)
        variants.append(
            {
                "sku": f"FC{product.index:06d}-{position + 1}",
                "label": label,
                "price": price.quantize(Decimal("0.01")),
                "mrp": mrp.quantize(Decimal("0.01")),
                "stock": stock,
                "position": position,
            }
        )
    return variants


def product_description(product: DemoProduct) -> str:
    return f"{product.name} from {product.brand}. {product.top.blurb}"


# PICTURES

# Debian's fonts-noto-color-emoji (scripts/ensure-system-packages.sh). A
# colour bitmap font: drawn at its one size and scaled.
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
EMOJI_FONT_SIZE = 109

# What a picture shows, by the first word found in the item's name: the more
# specific words first ("peanut butter" before "butter").
ITEM_EMOJI = (
    ("banana", "🍌"), ("biscuit", "🍪"), ("cookie", "🍪"), ("flakes", "🥣"),
    ("muesli", "🥣"), ("chocolate spread", "🍫"), ("chocolate", "🍫"),
    ("gulab jamun", "🍡"), ("watermelon", "🍉"), ("pineapple", "🍍"),
    ("coconut water", "🥥"), ("hair oil", "🧴"), ("soda", "🥤"), ("cola", "🥤"),
    ("ginger ale", "🥤"), ("water", "💧"), ("noodles", "🍜"), ("pasta", "🍝"),
    ("macaroni", "🍝"), ("oats", "🥣"), ("granola", "🥣"), ("chai", "🫖"),
    ("tea", "🍵"), ("coffee", "☕"), ("nachos", "🌮"), ("popcorn", "🍿"),
    ("makhana", "🍿"), ("chips", "🥔"), ("namkeen", "🥨"), ("bhujia", "🥨"),
    ("sev", "🥨"), ("khatta", "🥨"), ("navratan", "🥨"), ("chana jor", "🫘"),
    ("paneer butter masala", "🍛"), ("rajma masala", "🍛"),
    ("dal makhani", "🍲"), ("peanut", "🥜"), ("mayonnaise", "🥚"),
    ("ketchup", "🍅"), ("jam", "🍓"), ("chutney", "🌶"), ("honey", "🍯"),
    ("jaggery", "🍯"), ("dishwash", "🍽"), ("detergent", "🧺"), ("matic", "🧺"),
    ("fabric", "🧺"), ("toilet", "🚽"), ("bathroom", "🛁"), ("floor", "🧹"),
    ("glass", "🪟"), ("kitchen cleaner", "🧽"), ("disinfectant", "🧴"),
    ("garbage", "🗑"), ("car air", "🚗"), ("freshener", "🌸"), ("napkin", "🧻"),
    ("towel", "🧻"), ("soap", "🧼"), ("handwash", "🧼"), ("body wash", "🧴"),
    ("shampoo", "🧴"), ("conditioner", "🧴"), ("toothpaste", "🪥"),
    ("mouthwash", "🪥"), ("face wash", "🧴"), ("lotion", "🧴"),
    ("sunscreen", "🌞"), ("face cream", "🧴"), ("lip balm", "💄"),
    ("aloe", "🌵"), ("flour", "🌾"), ("atta", "🌾"), ("besan", "🌾"),
    ("maida", "🌾"), ("sooji", "🌾"), ("oil", "🫒"), ("ghee", "🧈"),
    ("idli mix", "🍚"), ("dosa", "🥞"), ("upma", "🥣"), ("tikki", "🥔"),
    ("nuggets", "🍗"), ("fries", "🍟"), ("parotta", "🫓"), ("momos", "🥟"),
    ("rice", "🍚"), ("poha", "🍚"), ("dal", "🫘"), ("rajma", "🫘"),
    ("chana", "🫘"), ("buttermilk", "🥛"), ("milk", "🥛"), ("dahi", "🥣"),
    ("curd", "🥣"), ("yogurt", "🥣"), ("doi", "🥣"), ("cream", "🥛"),
    ("butter", "🧈"), ("cheese", "🧀"), ("mozzarella", "🧀"), ("paneer", "🧀"),
    ("tofu", "🧀"), ("khoa", "🧈"), ("bread", "🍞"), ("pav", "🍞"), ("bun", "🍔"),
    ("egg", "🥚"), ("nut bar", "🍫"), ("wafer", "🧇"), ("caramel", "🍬"),
    ("toffee", "🍬"), ("almond", "🌰"), ("walnut", "🌰"), ("cashew", "🥜"),
    ("pistachio", "🥜"), ("dry fruit", "🥜"), ("raisin", "🍇"), ("dates", "🌴"),
    ("apple", "🍎"), ("mango", "🥭"), ("aam", "🥭"), ("orange", "🍊"),
    ("grape", "🍇"), ("lemon", "🍋"), ("lime", "🍋"), ("guava", "🍐"),
    ("pear", "🍐"), ("kiwi", "🥝"), ("avocado", "🥑"), ("blueberr", "🫐"),
    ("strawberr", "🍓"), ("litchi", "🍒"), ("pomegranate", "🍒"),
    ("papaya", "🍈"), ("chikoo", "🥔"), ("dragon", "🐉"), ("tomato", "🍅"),
    ("spring onion", "🧅"), ("onion", "🧅"), ("potato", "🥔"),
    ("cauliflower", "🥦"), ("broccoli", "🥦"), ("carrot", "🥕"),
    ("cucumber", "🥒"), ("zucchini", "🥒"), ("gourd", "🥒"), ("capsicum", "🫑"),
    ("bhindi", "🫛"), ("peas", "🫛"), ("brinjal", "🍆"), ("spinach", "🥬"),
    ("salad", "🥗"), ("sprouts", "🌱"), ("pumpkin", "🎃"), ("corn", "🌽"),
    ("garlic", "🧄"), ("ginger", "🫚"), ("chilli", "🌶"), ("pepper", "🧂"),
    ("turmeric", "🟡"), ("leaves", "🌿"), ("coriander", "🌿"), ("jeera", "🌿"),
    ("masala", "🌶"), ("salt", "🧂"), ("sugar", "🍬"), ("juice", "🧃"),
    ("drink", "🧃"), ("fizz", "🥤"),
)  # fmt: skip
# What a category picture shows, for the aisles whose first item does not say it.
CATEGORY_EMOJI = {
    "Fruits & Vegetables": "🥦",
    "Dairy & Breakfast": "🥛",
    "Snacks & Munchies": "🍿",
    "Beverages": "🥤",
    "Atta, Rice & Dal": "🌾",
    "Cleaning Essentials": "🧹",
    "Personal Care": "🧴",
    "Instant & Frozen Food": "🍜",
    "Exotic Fruits & Veggies": "🥑",
    "Herbs & Seasonings": "🌿",
    "Organic Produce": "🥕",
    "Cuts & Sprouts": "🥗",
    "Bread & Eggs": "🍞",
    "Cereals & Muesli": "🥣",
    "Nuts & Dry Fruits": "🥜",
    "Masalas & Spices": "🌶",
    "Sugar, Salt & Jaggery": "🧂",
    "Fresheners & Garbage Bags": "🧻",
    "Bath & Body": "🧼",
    "Oral Care": "🪥",
    "Ready to Cook": "🍛",
    "Frozen Snacks": "🍟",
    "Sauces & Spreads": "🍅",
}
LOOSE_AISLES = {
    "Fresh Fruits",
    "Fresh Vegetables",
    "Exotic Fruits & Veggies",
    "Herbs & Seasonings",
    "Organic Produce",
}

_FONT_CACHE: dict[int, ImageFont.FreeTypeFont] = {}
_EMOJI_CACHE: dict[str, Image.Image | None] = {}


def _font(size: int):
    if size not in _FONT_CACHE:
        _FONT_CACHE[size] = ImageFont.load_default(size=size)
    return _FONT_CACHE[size]


def emoji_font_available() -> bool:
    """Whether the colour emoji font is installed, so pictures show the item."""
    return Path(EMOJI_FONT).is_file()


def item_emoji(name: str) -> str:
    """Return the emoji that pictures an item, or "" when no word matches."""
    lowered = name.lower()
    return next((emoji for word, emoji in ITEM_EMOJI if word in lowered), "")


def category_emoji(category: str, first_item: str = "") -> str:
    """Return the emoji that pictures an aisle: its own, else its first item's."""
    return (
        CATEGORY_EMOJI.get(category) or item_emoji(first_item) or item_emoji(category)
    )


def pack_shape(sub: Subcategory) -> str:
    """Return how the aisle's goods look on a shelf: loose, bottle or pack."""
    if sub.name in LOOSE_AISLES:
        return "loose"
    label = sub.packs[0][0]
    if label.endswith(" ml") or label.endswith(" l"):
        return "bottle"
    return "pack"


def _emoji_glyph(emoji: str) -> Image.Image | None:
    """Return the emoji drawn once at the font's size, cropped, or None if absent."""
    if emoji not in _EMOJI_CACHE:
        font = ImageFont.truetype(EMOJI_FONT, EMOJI_FONT_SIZE)
        side = EMOJI_FONT_SIZE * 2
        glyph = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (side / 2, side / 2), emoji, font=font, embedded_color=True, anchor="mm"
        )
        box = glyph.getbbox()
        _EMOJI_CACHE[emoji] = glyph.crop(box) if box else None
    return _EMOJI_CACHE[emoji]


def _shade(colour: str, index: int) -> tuple[str, str]:
    """Return a saturated and a pale version of the colour, varied by index."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    hue = (hue + ((index * 37) % 60 - 30) / 360) % 1.0
    strong = colorsys.hls_to_rgb(hue, min(lightness, 0.38), max(saturation, 0.55))
    pale = colorsys.hls_to_rgb(hue, 0.93, 0.6)

    def to_hex(rgb):
        return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)

    return to_hex(strong), to_hex(pale)


def _mix(colour: str, other: str, share: float) -> str:
    """Return `colour` with `share` of `other` mixed in."""
    one = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    two = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(
        f"{round(a + (b - a) * share):02x}" for a, b in zip(one, two, strict=True)
    )


def _draw_pack(draw: ImageDraw.ImageDraw, shape: str, strong: str, pale: str, scale):
    """Draw the pack's outline; return the box its label (the emoji) sits in."""

    def at(*values):
        return [int(v * scale) for v in values]

    if shape == "loose":
        # A soft shadow under loose produce, as on a shelf photo.
        draw.ellipse(at(130, 480, 470, 540), fill=_mix(pale, "#000000", 0.12))
        return at(110, 90, 490, 490)
    if shape == "bottle":
        radius = int(70 * scale)
        draw.rounded_rectangle(
            at(255, 40, 345, 90), radius=int(12 * scale), fill="#333"
        )
        draw.rounded_rectangle(
            at(235, 80, 365, 170), radius=int(24 * scale), fill=strong
        )
        draw.rounded_rectangle(at(170, 140, 430, 560), radius=radius, fill=strong)
        draw.ellipse(at(190, 235, 410, 455), fill="white")
        return at(215, 260, 385, 430)
    draw.rounded_rectangle(at(140, 70, 460, 560), radius=int(36 * scale), fill=strong)
    draw.rectangle(at(140, 110, 460, 140), fill=_mix(strong, "#ffffff", 0.35))
    draw.rounded_rectangle(at(175, 200, 425, 450), radius=int(40 * scale), fill="white")
    return at(195, 220, 405, 430)


def _save(picture: Image.Image, format: str) -> bytes:
    buffer = BytesIO()
    if format == "WEBP":
        picture.save(buffer, "WEBP", quality=80, method=2)
    else:
        picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def picture_render(
    title: str,
    colour: str,
    *,
    index: int = 0,
    size: int = 600,
    format: str = "JPEG",
    emoji: str = "",
    shape: str = "pack",
) -> bytes:
    """Return a demo picture (JPEG or WebP).

    With an emoji and the colour emoji font: the item on a pack of the given
    shape in the category's colour. Otherwise a tile with the initials and
    the title below.
    """
    strong, pale = _shade(colour, index)
    glyph = _emoji_glyph(emoji) if emoji and emoji_font_available() else None
    if glyph is None:
        return _save(_tile(title, strong, pale, size), format)
    picture = Image.new("RGB", (size, size), pale)
    draw = ImageDraw.Draw(picture)
    left, top, right, bottom = _draw_pack(draw, shape, strong, pale, size / 600)
    fit = min((right - left) / glyph.width, (bottom - top) / glyph.height)
    shown = glyph.resize(
        (max(1, int(glyph.width * fit)), max(1, int(glyph.height * fit))),
        Image.Resampling.LANCZOS,
    )
    x = left + (right - left - shown.width) // 2
    y = top + (bottom - top - shown.height) // 2
    picture.paste(shown, (x, y), shown)
    return _save(picture, format)


def _tile(title: str, strong: str, pale: str, size: int) -> Image.Image:
    """A tile in the category's colour with the title's initials and the title."""
    scale = size / 600
    picture = Image.new("RGB", (size, size), pale)
    draw = ImageDraw.Draw(picture)
    box = [int(v * scale) for v in (120, 70, 480, 400)]
    draw.rounded_rectangle(box, radius=int(70 * scale), fill=strong)
    draw.text(
        (size / 2, (box[1] + box[3]) / 2),
        name_initials(title) or "•",
        font=_font(int(170 * scale)),
        fill="white",
        anchor="mm",
    )
    lines = textwrap.wrap(title, width=20)[:2]
    y = 455 * scale
    for line in lines:
        draw.text(
            (size / 2, y),
            line,
            font=_font(int(44 * scale)),
            fill="#1f1f1f",
            anchor="mm",
        )
        y += 54 * scale
    return picture
