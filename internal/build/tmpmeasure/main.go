package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/inexchange/helpcenter/internal/build"
)

type nop struct{}

func (nop) WriteFile(string, []byte) error { return nil }

func main() {
	src := os.Args[1]
	t := time.Now()
	b, err := build.Load(build.Options{Source: src, Preview: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("load", time.Since(t))
	for i := 0; i < 3; i++ {
		t = time.Now()
		jobs, _ := b.Renderer.Jobs()
		fmt.Println("jobs", time.Since(t), len(jobs))
	}
	pf, _ := os.Create("/tmp/wt/extras.prof")
	pprof.StartCPUProfile(pf)
	for i := 0; i < 3; i++ {
		t = time.Now()
		b.Renderer.Extras(nop{})
		fmt.Println("extras", time.Since(t))
	}
	pprof.StopCPUProfile()
	var buf bytes.Buffer
	for _, k := range []int{0, 5, 10, 60, 200, 10117} {
		t = time.Now()
		out, err := b.Renderer.RenderPage(b.Jobs[k], &buf)
		fmt.Println("page", b.Jobs[k].Name, time.Since(t), len(out), err)
	}
}
