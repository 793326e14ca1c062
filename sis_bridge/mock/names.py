"""Name pools for generated students: a Los Angeles mix, mostly Hispanic.

Spellings carry accents; the generator strips them for part of the students, as a district SIS
holds both forms.
"""

# fmt: off
HISPANIC_FEMALE = (
    "María", "Guadalupe", "María Guadalupe", "Ana Sofía", "Daniela", "Alejandra", "Jocelyn",
    "Yesenia", "Itzel", "Ximena", "Valeria", "Brenda", "Karla", "Esmeralda", "Marisol", "Araceli",
    "Nayeli", "Leslie", "Jennifer", "Stephanie", "Melanie", "Sofía", "Camila", "Diana", "Andrea",
    "Rosario", "Mónica", "Verónica", "Lucía", "Jazmín", "Angélica", "Yaretzi", "Citlali",
)
HISPANIC_MALE = (
    "José", "José Luis", "Juan Carlos", "Luis", "Carlos", "Jesús", "Miguel Ángel", "Ángel",
    "Jonathan", "Kevin", "Bryan", "Christian", "Anthony", "Adrián", "Érick", "Diego", "Alejandro",
    "Fernando", "Ricardo", "Eduardo", "Óscar", "Iván", "Héctor", "Josué", "Edgar", "Francisco",
    "Roberto", "Ignacio", "Enrique", "Joaquín", "Julián", "Martín", "Emiliano",
)
HISPANIC_SURNAMES = (
    "García", "Hernández", "López", "Martínez", "González", "Rodríguez", "Pérez", "Sánchez",
    "Ramírez", "Flores", "Cruz", "Reyes", "Morales", "Gutiérrez", "Ortiz", "Chávez", "Ramos",
    "Ruiz", "Díaz", "Castillo", "Mendoza", "Vásquez", "Jiménez", "Moreno", "Romero", "Álvarez",
    "Herrera", "Medina", "Aguilar", "Vargas", "Guzmán", "Salazar", "Quintero", "Ávila",
    "Contreras", "Domínguez", "Orozco", "Navarro", "Cervantes", "Villanueva", "Zamora", "Ochoa",
    "Estrada", "Juárez", "Núñez", "Rosales", "Barajas", "Delgado", "Cárdenas", "Galván",
)
# Surnames with a particle are kept whole ("de la Cruz"), never split into two surnames.
HISPANIC_PARTICLE_SURNAMES = (
    "de la Cruz", "de León", "de la Torre", "del Río", "de los Santos", "de la Rosa",
)

BLACK_FEMALE = (
    "Aaliyah", "Imani", "Jasmine", "Destiny", "Kiara", "Nia", "Jada", "Tiana", "Ebony",
    "Shanice", "Brianna", "Zaria", "Amari",
)
BLACK_MALE = (
    "Jalen", "DeAndre", "Marcus", "Darius", "Jamal", "Terrell", "Isaiah", "Malik", "Andre",
    "Keyshawn", "Dominique", "Tyrese", "Xavier",
)
BLACK_SURNAMES = (
    "Washington", "Jackson", "Johnson", "Williams", "Brown", "Jones", "Davis", "Robinson",
    "Harris", "Thomas", "Coleman", "Jenkins", "Franklin", "Banks", "Mitchell", "Brooks",
    "Walker", "Mosley",
)

ASIAN_FEMALE = (
    "Christine", "Grace", "Angela", "Jenny", "Hana", "Mei", "Linh", "Ji-woo", "Kimberly",
    "Princess", "Joy", "Mai",
)
ASIAN_MALE = (
    "Justin", "Ethan", "Daniel", "Jun", "Minh", "Ryan", "Joshua", "Kenneth", "Bao", "Min-jun",
    "Mark", "Jerome",
)
ASIAN_SURNAMES = (
    "Kim", "Park", "Lee", "Nguyen", "Tran", "Santos", "Bautista", "Wong", "Chen", "Le", "Pham",
    "Dela Cruz", "Mendoza", "Choi", "Huang", "Aquino",
)

OTHER_FEMALE = (
    "Emily", "Hannah", "Ashley", "Natalie", "Ani", "Lilit", "Madison", "Samantha", "Chloe",
    "Nare",
)
OTHER_MALE = (
    "Tyler", "Jacob", "Dylan", "Aram", "Davit", "Ethan", "Noah", "Cody", "Narek", "Logan",
)
OTHER_SURNAMES = (
    "Smith", "Miller", "Anderson", "Petrosyan", "Hakobyan", "Sargsyan", "Cohen", "Murphy",
    "O'Brien", "Taylor", "Wilson", "Clark", "Avetisyan", "Sullivan",
)

MIDDLE_NAMES_FEMALE = ("Marie", "Elizabeth", "Lizbeth", "Isabel", "Guadalupe", "Nicole", "Rose")
MIDDLE_NAMES_MALE = ("Antonio", "Alexander", "David", "Manuel", "Jesús", "James", "Michael")

# fmt: on

# Nicknames counselors hear at intake; the SIS sometimes records one as the preferred name.
NICKNAMES = {
    "Guadalupe": "Lupe",
    "María Guadalupe": "Lupe",
    "Jesús": "Chuy",
    "Jesus": "Chuy",
    "Francisco": "Pancho",
    "Alejandro": "Alex",
    "Alejandra": "Alex",
    "Jonathan": "Johnny",
    "Roberto": "Beto",
    "Ignacio": "Nacho",
    "Enrique": "Kike",
    "Eduardo": "Lalo",
    "Rosario": "Chayo",
    "José": "Pepe",
    "Jose": "Pepe",
}
