using System.Text;
using BatchEmbed.Domain.Items;

namespace BatchEmbed.Domain.Tests;

public sealed class NdjsonItemReaderTests
{
    [Fact]
    public async Task Every_line_is_accounted_for_with_its_line_number()
    {
        byte[] input = Concat(
            """{"id":"a","text":"ok one","groupKey":"img/1","metadata":{"k":[1,2]}}""" + "\n",
            "\n",
            """{"id":"b","text":"  "}""" + "\n",
            """{"id":"c","text": oops}""" + "\n",
            """{"text":"no id"}""" + "\n",
            """{"id":"d"}""" + "\n",
            """{"id":7,"text":"numeric id"}""" + "\r\n",
            """[1,2]""" + "\n");
        byte[] invalidUtf8 = [.. """{"id":"e","text":"bad """u8.ToArray(), 0xC3, 0x28, .. "\"}\n"u8.ToArray()];
        var lines = await ReadAll([.. input, .. invalidUtf8]);

        Assert.Equal(
            [(ItemLineKind.Item, 1L), (ItemLineKind.EmptyText, 3L), (ItemLineKind.Error, 4L), (ItemLineKind.Error, 5L), (ItemLineKind.Error, 6L), (ItemLineKind.Item, 7L), (ItemLineKind.Error, 8L), (ItemLineKind.Error, 9L)],
            lines.Select(l => (l.Kind, l.LineNumber)).ToArray());
        Assert.Equal("""{"k":[1,2]}""", lines[0].Item!.MetadataJson);
        Assert.Equal("img/1", lines[0].Item!.GroupKey);
        Assert.StartsWith("malformed JSON", lines[2].Error, StringComparison.Ordinal);
        Assert.Equal("missing \"id\"", lines[3].Error);
        Assert.Equal("missing \"text\"", lines[4].Error);
        Assert.Equal("7", lines[5].Item!.Id);
        Assert.Contains("invalid UTF-8", lines[7].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_byte_order_mark_at_the_start_is_accepted()
    {
        var lines = await ReadAll([0xEF, 0xBB, 0xBF, .. """{"id":"a","text":"x"}"""u8.ToArray()]);
        Assert.Equal(ItemLineKind.Item, Assert.Single(lines).Kind);
    }

    [Fact]
    public void Ids_with_control_characters_or_too_long_are_rejected()
    {
        Assert.Equal(ItemLineKind.Error, NdjsonItemReader.ParseLine("""{"id":"a\u0001","text":"x"}"""u8, 1).Kind);
        string longId = new('x', CorpusItem.MaxIdBytes + 1);
        Assert.Equal(ItemLineKind.Error, NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$"""{"id":"{{longId}}","text":"x"}"""), 1).Kind);
        string wideId = new('é', (CorpusItem.MaxIdBytes / 2) + 1); // within the characters, over the bytes
        ItemLine wide = NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$"""{"id":"{{wideId}}","text":"x"}"""), 7);
        Assert.Equal((ItemLineKind.Error, 7L), (wide.Kind, wide.LineNumber));
        Assert.Contains("bytes of UTF-8", wide.Error, StringComparison.Ordinal);
        Assert.Equal(ItemLineKind.Item, NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$"""{"id":"{{new string('x', CorpusItem.MaxIdBytes)}}","text":"x"}"""), 1).Kind);
    }

    [Fact]
    public void Texts_metadata_and_group_keys_over_their_limits_are_rejected_with_the_reason()
    {
        string text = new('a', CorpusItem.MaxTextLength + 1);
        ItemLine longText = NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$"""{"id":"a","text":"{{text}}"}"""), 3);
        Assert.Equal(ItemLineKind.Error, longText.Kind);
        Assert.Contains("split it", longText.Error, StringComparison.Ordinal);
        string meta = new('m', CorpusItem.MaxMetadataLength);
        Assert.Equal(ItemLineKind.Error, NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$$"""{"id":"a","text":"x","metadata":{"k":"{{{meta}}}"}}"""), 1).Kind);
        string group = new('g', CorpusItem.MaxGroupKeyLength + 1);
        Assert.Equal(ItemLineKind.Error, NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$"""{"id":"a","text":"x","groupKey":"{{group}}"}"""), 1).Kind);
        Assert.Equal(ItemLineKind.Item, NdjsonItemReader.ParseLine(Encoding.UTF8.GetBytes($$"""{"id":"a","text":"{{new string('a', CorpusItem.MaxTextLength)}}"}"""), 1).Kind);
    }

    private static byte[] Concat(params string[] parts) => Encoding.UTF8.GetBytes(string.Concat(parts));

    private static async Task<List<ItemLine>> ReadAll(byte[] bytes)
    {
        var list = new List<ItemLine>();
        await foreach (ItemLine line in NdjsonItemReader.ReadAsync(new TrickleStream(bytes, 7)))
        {
            list.Add(line);
        }

        return list;
    }
}
