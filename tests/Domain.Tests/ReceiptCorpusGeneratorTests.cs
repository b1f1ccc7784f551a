using BatchEmbed.Domain.Samples;

namespace BatchEmbed.Domain.Tests;

public sealed class ReceiptCorpusGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_corpus_and_receipt_n_does_not_depend_on_the_count()
    {
        var a = new ReceiptCorpusGenerator(7).Receipts(30).SelectMany(r => r.ToLineItems()).ToList();
        var b = new ReceiptCorpusGenerator(7).Receipts(60).Take(30).SelectMany(r => r.ToLineItems()).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, new ReceiptCorpusGenerator(8).Receipts(30).SelectMany(r => r.ToLineItems()).ToList());
    }

    [Fact]
    public void Receipts_have_lines_words_and_labels_grouped_by_image_and_receipt()
    {
        var receipts = new ReceiptCorpusGenerator().Receipts(200).ToList();
        Assert.All(receipts, r =>
        {
            Assert.Matches("^[0-9a-f-]{36}/[12]$", r.GroupKey);
            Assert.InRange(r.Lines.Count, 10, 40);
            Assert.All(r.ToWordItems(), w => Assert.Equal(r.GroupKey, w.GroupKey));
            Assert.Contains(r.Words, w => w.Label == "GRAND_TOTAL");
            Assert.Contains(r.Words, w => w.Label == "MERCHANT_NAME");
        });
        var ids = receipts.SelectMany(r => r.ToLineItems().Concat(r.ToWordItems())).Select(i => i.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
