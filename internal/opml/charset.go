package opml

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// errCharset is returned (wrapped) when a document declares an encoding
// this package cannot decode.
var errCharset = errors.New("unsupported character encoding")

// cp1252 maps the bytes 0x80–0x9F of Windows-1252 to Unicode. Bytes that
// Windows-1252 leaves undefined map to the same code point, as in the
// WHATWG Encoding Standard.
var cp1252 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// singleByteReader transcodes a single-byte encoding (ISO-8859-1 or
// Windows-1252) to UTF-8.
type singleByteReader struct {
	r      io.ByteReader
	table  *[32]rune // nil for ISO-8859-1
	out    [utf8.UTFMax]byte
	outLen int
	outPos int
}

// ReadByte implements io.ByteReader so that encoding/xml does not add
// another layer of buffering.
func (s *singleByteReader) ReadByte() (byte, error) {
	if s.outPos < s.outLen {
		b := s.out[s.outPos]
		s.outPos++
		return b, nil
	}
	c, err := s.r.ReadByte()
	if err != nil {
		return 0, err
	}
	if c < utf8.RuneSelf {
		return c, nil
	}
	r := rune(c)
	if s.table != nil && c >= 0x80 && c <= 0x9F {
		r = s.table[c-0x80]
	}
	s.outLen = utf8.EncodeRune(s.out[:], r)
	s.outPos = 1
	return s.out[0], nil
}

// Read implements io.Reader.
func (s *singleByteReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := s.ReadByte()
		if err != nil {
			if n > 0 && err == io.EOF {
				return n, nil
			}
			return n, err
		}
		p[n] = b
		n++
	}
	return n, nil
}

// charsetReader returns a CharsetReader for xml.Decoder. alreadyUTF8 is
// set when the input was transcoded from UTF-16 (detected by its byte
// order mark) before reaching the decoder, in which case a declared
// UTF-16 encoding is accepted as is.
func charsetReader(alreadyUTF8 bool) func(string, io.Reader) (io.Reader, error) {
	return func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(strings.TrimSpace(label)) {
		case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968":
			return r, nil
		case "utf-16", "utf-16le", "utf-16be", "utf16":
			if alreadyUTF8 {
				return r, nil
			}
		case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819":
			// Like web browsers (WHATWG Encoding Standard), decode
			// ISO-8859-1 as its superset Windows-1252: real-world files
			// labelled Latin-1 routinely contain curly quotes and dashes.
			return &singleByteReader{r: byteReader(r), table: &cp1252}, nil
		case "windows-1252", "cp1252", "x-cp1252":
			return &singleByteReader{r: byteReader(r), table: &cp1252}, nil
		}
		return nil, errCharset
	}
}

func byteReader(r io.Reader) io.ByteReader {
	if br, ok := r.(io.ByteReader); ok {
		return br
	}
	return bufio.NewReader(r)
}

// prepareInput strips a UTF-8 byte order mark and transcodes UTF-16
// input that starts with a byte order mark to UTF-8. It reports whether
// the input was transcoded from UTF-16.
func prepareInput(r io.Reader) (io.Reader, bool, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, false, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return br, false, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		br.Discard(2)
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, false, err
		}
		big := head[0] == 0xFE
		u := make([]uint16, len(data)/2)
		for i := range u {
			if big {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
			}
		}
		return strings.NewReader(string(utf16.Decode(u))), true, nil
	}
	return br, false, nil
}
