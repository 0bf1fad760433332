import { useEffect, useRef, useState } from 'react'
import { echarts, type EChartsType } from './echarts'

/**
 * Owns one echarts instance bound to a div: created on mount, resized with its container, disposed on
 * unmount. Returns the element ref and the instance (null until mounted).
 */
export function useECharts(): [React.RefObject<HTMLDivElement | null>, EChartsType | null] {
  const ref = useRef<HTMLDivElement | null>(null)
  const [chart, setChart] = useState<EChartsType | null>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const c = echarts.init(el, undefined, { renderer: 'canvas' })
    setChart(c)
    const ro = new ResizeObserver(() => c.resize())
    ro.observe(el)
    return () => {
      ro.disconnect()
      c.dispose()
      setChart(null)
    }
  }, [])
  return [ref, chart]
}
