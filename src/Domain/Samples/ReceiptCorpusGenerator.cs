using System.Globalization;

namespace BatchEmbed.Domain.Samples;

/// <summary>
/// A deterministic generator of realistic grocery and retail receipts. The same seed gives the same corpus on every
/// machine; receipts are produced one at a time, so millions of lines stream in constant memory.
/// </summary>
public sealed class ReceiptCorpusGenerator
{
    private static readonly (string Name, string Street, string City)[] s_merchants =
    [
        ("WALMART SUPERCENTER", "1200 N Main St", "Springfield, IL 62702"),
        ("SAFEWAY", "455 Market St", "San Francisco, CA 94105"),
        ("Trader Joe's", "3 Union Sq", "New York, NY 10003"),
        ("H-E-B", "6900 Brodie Ln", "Austin, TX 78745"),
        ("COSTCO WHOLESALE", "1801 10th Ave SW", "Issaquah, WA 98027"),
        ("TARGET", "500 E Colfax Ave", "Denver, CO 80203"),
        ("Café Müller", "Friedrichstraße 43", "10117 Berlin"),
        ("WHOLE FOODS MARKET", "525 N Lamar Blvd", "Austin, TX 78703"),
        ("KROGER", "1014 Vine St", "Cincinnati, OH 45202"),
        ("ALDI", "221 W Roosevelt Rd", "Chicago, IL 60605"),
        ("Ferretería El Puerto", "Av. Insurgentes Sur 1602", "Ciudad de México"),
        ("ファミリーマート", "新宿3-1-1", "東京都新宿区"),
        ("PUBLIX", "2700 N Federal Hwy", "Fort Lauderdale, FL 33306"),
        ("HOME DEPOT", "2455 Paces Ferry Rd", "Atlanta, GA 30339"),
    ];

    private static readonly string[] s_products =
    [
        "AVOCADO HASS", "2% MILK 1GAL", "GRND BEEF 80/20", "BANANAS", "EGGS LRG 12CT", "SOURDOUGH LOAF", "OAT MILK",
        "Crème fraîche", "ROTISSERIE CHKN", "BABY SPINACH", "CHEDDAR SHRP 8OZ", "GREEK YOGURT", "COFFEE WHL BEAN",
        "PASTA PENNE", "MARINARA SAUCE", "OLIVE OIL EV", "TORTILLAS CORN", "SALSA VERDE", "APPLES HONEYCRISP",
        "PAPER TOWELS 6PK", "DISH SOAP", "LAUNDRY DET", "STRAWBERRIES 1LB", "BLUEBERRIES", "ORANGE JUICE",
        "BREAD WHEAT", "PEANUT BUTTER", "JASMINE RICE 5LB", "BLACK BEANS", "CHICKEN THIGHS", "SALMON FILLET",
        "FROZEN PIZZA", "ICE CREAM VAN", "SPARKLING WATER", "TOMATOES ROMA", "ONIONS YELLOW", "GARLIC",
        "LEMONS", "CILANTRO", "Ṡpecial ítem", "おにぎり", "Brezel", "HAMMER 16OZ", "WD-40 8OZ", "LIGHT BULB LED 4PK",
        "PAINT BRUSH 2IN", "DUCT TAPE", "BATTERIES AA 8PK", "GRANOLA", "HUMMUS", "PITA BREAD", "FETA CHEESE",
    ];

    private static readonly string[] s_payments = ["VISA", "MASTERCARD", "AMEX", "DEBIT", "CASH", "APPLE PAY"];

    private static readonly string[] s_footers =
    [
        "Thank you for shopping with us!",
        "Returns accepted within 30 days with receipt. Items must be unused and in original packaging. Refunds are issued to the original form of payment; cash refunds over $50 are issued by check. See store for details.",
        "Tell us how we did: survey code 4821-7730-1195",
        "You saved 3.20 today with your rewards card",
        "Bag fee  0.10",
        "Coupon  -1.00",
    ];

    private readonly ulong _seed;

    public ReceiptCorpusGenerator(int seed = 42)
    {
        _seed = (ulong)(uint)seed;
    }

    /// <summary>Receipts 0 to <paramref name="count"/>-1; receipt n is the same whatever <paramref name="count"/> is.</summary>
    public IEnumerable<Receipt> Receipts(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (int n = 0; n < count; n++)
        {
            yield return Make(n);
        }
    }

    private Receipt Make(int n)
    {
        var rng = new SplitMix64(_seed * 1_000_003UL + (ulong)n);
        string imageId = ImageId(rng);
        int receiptId = 1 + (n % 3 == 2 ? 1 : 0);
        var merchant = rng.Pick(s_merchants);
        string phone = string.Create(CultureInfo.InvariantCulture, $"({rng.Between(200, 989)}) {rng.Between(200, 999)}-{rng.Between(1000, 9999)}");
        var at = new DateTime(2025, 1, 1, 7, 0, 0, DateTimeKind.Unspecified)
            .AddDays(rng.Below(365)).AddMinutes(rng.Below(14 * 60));
        string payment = rng.Pick(s_payments);

        var lines = new List<ReceiptLine>(32);
        var words = new List<ReceiptWord>(128);
        void Add(string text, string section, Func<int, string, string?> label)
        {
            int lineNo = lines.Count + 1;
            lines.Add(new ReceiptLine(lineNo, text, section));
            int wordNo = 0;
            foreach (string w in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                wordNo++;
                words.Add(new ReceiptWord(lineNo, wordNo, w, label(wordNo, w)));
            }
        }

        Add(merchant.Name, "header", (_, _) => "MERCHANT_NAME");
        Add(merchant.Street, "header", (_, _) => "ADDRESS_LINE");
        Add(merchant.City, "header", (_, _) => "ADDRESS_LINE");
        Add(phone, "header", (_, _) => "PHONE_NUMBER");
        Add(at.ToString("MM/dd/yyyy H:mm", CultureInfo.InvariantCulture), "header", (i, _) => i == 1 ? "DATE" : "TIME");

        decimal subtotal = 0;
        int itemCount = rng.Between(3, 22);
        for (int i = 0; i < itemCount; i++)
        {
            string product = rng.Pick(s_products);
            int qty = rng.Chance(0.2) ? rng.Between(2, 4) : 1;
            decimal price = rng.Between(49, 4999) / 100m;
            decimal lineTotal = qty * price;
            subtotal += lineTotal;
            string qtyText = qty > 1 ? string.Create(CultureInfo.InvariantCulture, $"{qty} @ {price:0.00} ") : string.Empty;
            string text = string.Create(CultureInfo.InvariantCulture, $"{product}  {qtyText}{lineTotal:0.00}");
            int productWords = product.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            Add(text, "item", (w, _) => w <= productWords ? "PRODUCT_NAME" : w == text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length ? "LINE_TOTAL" : qty > 1 ? "QUANTITY" : null);
        }

        decimal tax = Math.Round(subtotal * 0.0825m, 2);
        decimal total = subtotal + tax;
        Add(string.Create(CultureInfo.InvariantCulture, $"SUBTOTAL  {subtotal:0.00}"), "totals", (i, _) => i == 2 ? "SUBTOTAL" : null);
        Add(string.Create(CultureInfo.InvariantCulture, $"TAX  {tax:0.00}"), "totals", (i, _) => i == 2 ? "TAX" : null);
        Add(string.Create(CultureInfo.InvariantCulture, $"TOTAL  {total:0.00}"), "totals", (i, _) => i == 2 ? "GRAND_TOTAL" : null);
        string payLine = payment == "CASH"
            ? string.Create(CultureInfo.InvariantCulture, $"CASH  {total:0.00}")
            : string.Create(CultureInfo.InvariantCulture, $"{payment} ****{rng.Between(1000, 9999)}  {total:0.00}");
        Add(payLine, "payment", (i, _) => i == 1 ? "PAYMENT_METHOD" : null);
        int footers = rng.Between(1, 2);
        for (int i = 0; i < footers; i++)
        {
            Add(rng.Pick(s_footers), "footer", (_, _) => null);
        }

        return new Receipt(imageId, receiptId, merchant.Name, $"{merchant.Street}, {merchant.City}", phone, at, total, payment, lines, words);
    }

    private static string ImageId(SplitMix64 rng)
    {
        ulong a = rng.Next();
        ulong b = rng.Next();
        return string.Create(CultureInfo.InvariantCulture, $"{a >> 32:x8}-{(a >> 16) & 0xFFFF:x4}-{a & 0xFFFF:x4}-{b >> 48:x4}-{b & 0xFFFFFFFFFFFF:x12}");
    }
}
