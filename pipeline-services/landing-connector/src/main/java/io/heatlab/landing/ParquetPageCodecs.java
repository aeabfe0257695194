package io.heatlab.landing;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page (de)compression straight through zstd-jni and snappy-java. Parquet's own CodecFactory goes
 * through Hadoop's CodecPool, which cannot pool zstd (de)compressors and logs "Got brand-new
 * compressor [.zstd]" at INFO for every object written and read. The bytes are the same: a raw
 * Snappy block per page, a zstd frame per page (level 3, Parquet's default). One instance per
 * writer/reader (not thread-safe); the zstd contexts are freed by {@link #release}, which the
 * writer and reader call on close.
 */
final class ParquetPageCodecs implements CompressionCodecFactory {
  static final int ZSTD_LEVEL = 3;
  private final Scratch input = new Scratch();
  private byte[] output = new byte[0];
  private ZstdCompressCtx zstdCompress;
  private ZstdDecompressCtx zstdDecompress;

  private final BytesInputCompressor snappyCompressor = new Compressor(CompressionCodecName.SNAPPY);
  private final BytesInputCompressor zstdCompressor = new Compressor(CompressionCodecName.ZSTD);
  private final BytesInputDecompressor snappyDecompressor =
      new Decompressor(CompressionCodecName.SNAPPY);
  private final BytesInputDecompressor zstdDecompressor =
      new Decompressor(CompressionCodecName.ZSTD);

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    return switch (codecName) {
      case SNAPPY -> snappyCompressor;
      case ZSTD -> zstdCompressor;
      default -> throw new IllegalArgumentException("unsupported Parquet codec " + codecName);
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
    return switch (codecName) {
      case SNAPPY -> snappyDecompressor;
      case ZSTD -> zstdDecompressor;
      default ->
          throw new IllegalArgumentException(
              "unsupported Parquet codec " + codecName + " (heatlab writes snappy or zstd)");
    };
  }

  @Override
  public void release() {
    if (zstdCompress != null) {
      zstdCompress.close();
      zstdCompress = null;
    }
    if (zstdDecompress != null) {
      zstdDecompress.close();
      zstdDecompress = null;
    }
  }

  private final class Compressor implements BytesInputCompressor {
    private final CompressionCodecName name;

    Compressor(CompressionCodecName name) {
      this.name = name;
    }

    /**
     * The result shares this factory's output buffer: valid until the next call (the writer copies
     * it).
     */
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      input.reset();
      bytes.writeAllTo(input);
      int length = input.size();
      int size;
      if (name == CompressionCodecName.ZSTD) {
        ensureOutput((int) Zstd.compressBound(length));
        if (zstdCompress == null) {
          zstdCompress = new ZstdCompressCtx().setLevel(ZSTD_LEVEL);
        }
        size = zstdCompress.compressByteArray(output, 0, output.length, input.array(), 0, length);
      } else {
        ensureOutput(Snappy.maxCompressedLength(length));
        size = Snappy.compress(input.array(), 0, length, output, 0);
      }
      return BytesInput.from(output, 0, size);
    }

    @Override
    public CompressionCodecName getCodecName() {
      return name;
    }

    @Override
    public void release() {}
  }

  private void ensureOutput(int capacity) {
    if (output.length < capacity) {
      output = new byte[Math.max(capacity, 64 * 1024)];
    }
  }

  private final class Decompressor implements BytesInputDecompressor {
    private final CompressionCodecName name;

    Decompressor(CompressionCodecName name) {
      this.name = name;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      ByteBuffer in = bytes.toByteBuffer();
      byte[] out =
          new byte[decompressedSize]; // pages stay referenced by the column readers: no reuse
      if (in.hasArray()) {
        decompress(in.array(), in.arrayOffset() + in.position(), in.remaining(), out);
      } else {
        byte[] copy = new byte[in.remaining()];
        in.duplicate().get(copy);
        decompress(copy, 0, copy.length, out);
      }
      return BytesInput.from(out);
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.get(in);
      byte[] out = new byte[decompressedSize];
      decompress(in, 0, compressedSize, out);
      output.put(out);
    }

    private void decompress(byte[] in, int offset, int length, byte[] out) throws IOException {
      int size;
      if (name == CompressionCodecName.ZSTD) {
        if (zstdDecompress == null) {
          zstdDecompress = new ZstdDecompressCtx();
        }
        size = zstdDecompress.decompressByteArray(out, 0, out.length, in, offset, length);
      } else {
        int expected = Snappy.uncompressedLength(in, offset, length);
        if (expected != out.length) {
          throw new IOException("snappy page of " + expected + " bytes, expected " + out.length);
        }
        size = Snappy.uncompress(in, offset, length, out, 0);
      }
      if (size != out.length) {
        throw new IOException(
            name + " page decompressed to " + size + " bytes, expected " + out.length);
      }
    }

    @Override
    public void release() {}
  }

  /** A reusable ByteArrayOutputStream whose buffer can be read without a copy. */
  private static final class Scratch extends ByteArrayOutputStream {
    Scratch() {
      super(64 * 1024);
    }

    byte[] array() {
      return buf;
    }
  }
}
