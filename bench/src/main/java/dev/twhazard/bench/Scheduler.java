package dev.twhazard.bench;

/**
 * The simulation's event queue: a binary min-heap of actors keyed by (time, insertion order), so
 * that actors due at the same nanosecond fire in the order they were scheduled and every run
 * is the same. An actor is in the heap at most once.
 */
final class Scheduler {

    /** Something that does one thing at its time and may schedule itself again. */
    abstract static class Actor {
        long time;
        long order;

        /** Does what is due at {@link #time}; returns true to stay scheduled (with a later time set). */
        abstract boolean fire(long now);
    }

    private Actor[] heap = new Actor[1 << 12];
    private int size;
    private long counter;

    void add(Actor a, long time) {
        a.time = time;
        a.order = counter++;
        if (size == heap.length) {
            heap = java.util.Arrays.copyOf(heap, size * 2);
        }
        heap[size] = a;
        up(size++);
    }

    Actor peek() {
        return size == 0 ? null : heap[0];
    }

    /** Fires the earliest actor; returns false when none is left. */
    boolean step() {
        if (size == 0) {
            return false;
        }
        Actor a = heap[0];
        if (a.fire(a.time)) {
            a.order = counter++;
            down(0);
        } else {
            Actor last = heap[--size];
            heap[size] = null;
            if (size > 0) {
                heap[0] = last;
                down(0);
            }
        }
        return true;
    }

    private static boolean less(Actor x, Actor y) {
        return x.time < y.time || (x.time == y.time && x.order < y.order);
    }

    private void up(int i) {
        Actor a = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            Actor parent = heap[p];
            if (!less(a, parent)) {
                break;
            }
            heap[i] = parent;
            i = p;
        }
        heap[i] = a;
    }

    private void down(int i) {
        Actor a = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            Actor child = heap[c];
            int r = c + 1;
            if (r < size && less(heap[r], child)) {
                c = r;
                child = heap[r];
            }
            if (!less(child, a)) {
                break;
            }
            heap[i] = child;
            i = c;
        }
        heap[i] = a;
    }
}
