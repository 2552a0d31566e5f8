package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxJSONDepth limits the nesting of objects and arrays. A valid message
// nests three levels deep (body, records array, record). The limit of 16
// rejects no valid message and keeps hostile input from recursing deeply.
const maxJSONDepth = 16

// decodeJSON parses one JSON value into map[string]any, []any, string,
// json.Number, bool or nil. Unlike json.Unmarshal it rejects invalid UTF-8,
// duplicate object keys and data after the value, because a platform that
// silently took the last of two "seq" keys would hide an encoder bug.
func decodeJSON(data []byte) (any, *validationError) {
	if !utf8.Valid(data) {
		return nil, invalidf("", "not valid UTF-8")
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	value, verr := decodeValue(dec, "", 0)
	if verr != nil {
		return nil, verr
	}

	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalidf("", "unexpected data after the JSON value")
	}
	return value, nil
}

func decodeValue(dec *json.Decoder, path string, depth int) (any, *validationError) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(path, err)
	}

	delim, isDelim := tok.(json.Delim)
	if !isDelim {
		return tok, nil
	}
	if depth >= maxJSONDepth {
		return nil, invalidf(path, "nested deeper than %s levels", strconv.Itoa(maxJSONDepth))
	}

	switch delim {
	case '{':
		return decodeObject(dec, path, depth)
	case '[':
		return decodeArray(dec, path, depth)
	default:
		// Token reports a closing delimiter without an opening one as a
		// syntax error, so this is only reached on a decoder bug.
		return nil, invalidf(path, "not valid JSON: %s", "unexpected "+delim.String())
	}
}

func decodeObject(dec *json.Decoder, path string, depth int) (any, *validationError) {
	object := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(path, err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, invalidf(path, "not valid JSON: %s", "object key is not a string")
		}

		fieldPath := joinPath(path, key)
		if _, seen := object[key]; seen {
			return nil, invalidf(fieldPath, "duplicate key")
		}

		value, verr := decodeValue(dec, fieldPath, depth+1)
		if verr != nil {
			return nil, verr
		}
		object[key] = value
	}

	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(path, err)
	}
	return object, nil
}

func decodeArray(dec *json.Decoder, path string, depth int) (any, *validationError) {
	array := []any{}
	for dec.More() {
		value, verr := decodeValue(dec, indexPath(path, len(array)), depth+1)
		if verr != nil {
			return nil, verr
		}
		array = append(array, value)
	}

	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(path, err)
	}
	return array, nil
}

// syntaxError wraps an error from json.Decoder.Token. Token returns a bare
// io.EOF when the input ends inside a value.
func syntaxError(path string, err error) *validationError {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidf(path, "not valid JSON: unexpected end of input")
	}
	return invalidf(path, "not valid JSON: %s", err.Error())
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func indexPath(path string, index int) string {
	return path + "[" + strconv.Itoa(index) + "]"
}
