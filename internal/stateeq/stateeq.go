// Package stateeq compares two values of in-memory state field by field,
// unexported fields included, for the tests of state that is encoded and
// decoded (engine snapshots): it reports the path of the first
// difference. Unlike reflect.DeepEqual it takes a nil and an empty slice
// or map as equal (an encoding need not tell them apart), compares floats
// by their bits, and leaves out the fields named in skip (scratch space,
// caches).
package stateeq

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"unsafe"
)

// Diff returns "" when a and b hold the same state, or where they first
// differ. Fields whose name is in skip are not compared, wherever they
// are.
func Diff(a, b any, skip ...string) string {
	c := cmp{skip: skip, seen: map[[2]uintptr]bool{}}
	return c.diff(reflect.ValueOf(a), reflect.ValueOf(b), "")
}

type cmp struct {
	skip []string
	seen map[[2]uintptr]bool
}

func (c *cmp) diff(a, b reflect.Value, path string) string {
	if a.IsValid() != b.IsValid() {
		return path + ": one is invalid"
	}
	if !a.IsValid() {
		return ""
	}
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: types %s and %s", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": one pointer is nil"
			}
			return ""
		}
		k := [2]uintptr{a.Pointer(), b.Pointer()}
		if c.seen[k] {
			return ""
		}
		c.seen[k] = true
		return c.diff(a.Elem(), b.Elem(), path)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": one interface is nil"
			}
			return ""
		}
		return c.diff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			name := a.Type().Field(i).Name
			if slices.Contains(c.skip, name) {
				continue
			}
			if d := c.diff(a.Field(i), b.Field(i), path+"."+name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: lengths %d and %d", path, a.Len(), b.Len())
		}
		if a.Kind() == reflect.Slice && a.Len() > 0 && plain(a.Type().Elem().Kind()) {
			// Numbers: compared as memory (floats by their bits), fast.
			n := a.Len() * int(a.Type().Elem().Size())
			if bytes.Equal(unsafe.Slice((*byte)(a.UnsafePointer()), n), unsafe.Slice((*byte)(b.UnsafePointer()), n)) {
				return ""
			}
		}
		for i := range a.Len() {
			if d := c.diff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d and %d entries", path, a.Len(), b.Len())
		}
		it := a.MapRange()
		for it.Next() {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() {
				return fmt.Sprintf("%s: key %v only in the first", path, show(it.Key()))
			}
			if d := c.diff(it.Value(), bv, fmt.Sprintf("%s[%v]", path, show(it.Key()))); d != "" {
				return d
			}
		}
		return ""
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Sprintf("%s: %v and %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Sprintf("%s: %d and %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return fmt.Sprintf("%s: %d and %d", path, a.Uint(), b.Uint())
		}
	case reflect.Float32, reflect.Float64:
		if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
			return fmt.Sprintf("%s: %v and %v", path, a.Float(), b.Float())
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s: %q and %q", path, a.String(), b.String())
		}
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		// Not state that an encoding carries.
	default:
		return fmt.Sprintf("%s: cannot compare a %s", path, a.Kind())
	}
	return ""
}

// show prints a map key (unexported keys cannot be turned into an
// interface).
func show(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprint(v.Uint())
	case reflect.String:
		return fmt.Sprintf("%q", v.String())
	}
	return v.Type().String()
}

// plain reports whether values of kind k are numbers (no pointers, no
// padding).
func plain(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}
