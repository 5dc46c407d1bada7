"""Writes and reads nnU-Net postprocessing.pkl files for the tests, without nnU-Net installed.

    python3 postprocessing_pickle.py write OUT.pkl STEPS_JSON
    python3 postprocessing_pickle.py read IN.pkl

write: STEPS_JSON is a list of [function, labels_or_regions]; function "nnunet" is nnU-Net's
remove_all_but_largest_component_from_segmentation (a stand-in module of the same name is registered, so that pickle
refers to it by name exactly as nnU-Net's save_pickle does), "print" is Python's builtin print. labels_or_regions is
written as given, except that an object {"tuple": [..]} becomes a tuple (nnU-Net's region). The pickle uses Python's
default protocol, as nnU-Net's save_pickle does.
read: loads the file with the function names resolved to stand-ins and prints [[module.name, kwargs], ...] as JSON.
"""
import json
import pickle
import sys
import types

MODULE = "nnunetv2.postprocessing.remove_connected_components"
NAME = "remove_all_but_largest_component_from_segmentation"


def stand_in():
    for i, part in enumerate(MODULE.split(".")):
        name = ".".join(MODULE.split(".")[:i + 1])
        sys.modules.setdefault(name, types.ModuleType(name))

    def fn(segmentation, labels_or_regions, background_label=0):
        raise AssertionError("never called")

    fn.__module__ = MODULE
    fn.__name__ = fn.__qualname__ = NAME
    setattr(sys.modules[MODULE], NAME, fn)
    return fn


def value(v):
    if isinstance(v, dict) and "tuple" in v:
        return tuple(v["tuple"])
    if isinstance(v, list):
        return [value(x) for x in v]
    return v


class Reader(pickle.Unpickler):
    def find_class(self, module, name):
        return module + "." + name


def main():
    if sys.argv[1] == "write":
        fn = stand_in()
        steps = json.loads(sys.argv[3])
        fns = [fn if f == "nnunet" else print for f, _ in steps]
        kwargs = [{"labels_or_regions": value(v)} for _, v in steps]
        with open(sys.argv[2], "wb") as f:
            pickle.dump((fns, kwargs), f)
    else:
        with open(sys.argv[2], "rb") as f:
            fns, kwargs = Reader(f).load()
        assert isinstance(fns, list) and isinstance(kwargs, list)
        print(json.dumps([[f, k] for f, k in zip(fns, kwargs)]))


if __name__ == "__main__":
    main()
