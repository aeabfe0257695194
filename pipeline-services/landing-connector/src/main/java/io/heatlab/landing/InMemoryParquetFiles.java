package io.heatlab.landing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * In-memory {@link OutputFile} and {@link InputFile} for {@link ParquetFormat}: no file system, no
 * temp files.
 */
final class InMemoryParquetFiles {
  private InMemoryParquetFiles() {}

  /** An OutputFile over a growable byte array; {@link #toByteArray} after the writer is closed. */
  static final class BytesOutputFile implements OutputFile {
    private byte[] buf;
    private int count;

    BytesOutputFile(int initialCapacity) {
      this.buf = new byte[initialCapacity];
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      count = 0;
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return count;
        }

        @Override
        public void write(int b) {
          ensure(1);
          buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
          ensure(len);
          System.arraycopy(b, off, buf, count, len);
          count += len;
        }
      };
    }

    private void ensure(int more) {
      int needed = count + more;
      if (needed < 0) {
        throw new OutOfMemoryError("Parquet object larger than 2 GiB");
      }
      if (needed > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
      }
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return "memory";
    }
  }

  /** An InputFile over a byte array. */
  static final class BytesInputFile implements InputFile {
    private final byte[] bytes;

    BytesInputFile(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      SeekableBytes in = new SeekableBytes(bytes);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() {
          return in.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          if (newPos < 0 || newPos > bytes.length) {
            throw new IOException("seek to " + newPos + " outside 0.." + bytes.length);
          }
          in.seek((int) newPos);
        }
      };
    }

    @Override
    public String toString() {
      return "memory (" + bytes.length + " bytes)";
    }
  }

  /** ByteArrayInputStream with its (protected) position exposed. */
  static final class SeekableBytes extends ByteArrayInputStream {
    SeekableBytes(byte[] bytes) {
      super(bytes);
    }

    int position() {
      return pos;
    }

    void seek(int position) {
      pos = position;
    }
  }
}
