package casestest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

func newQPReader(data []byte) io.Reader { return quotedprintable.NewReader(bytes.NewReader(data)) }

func newB64Reader(data []byte) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.Join(bytes.Fields(data), nil)))
}
