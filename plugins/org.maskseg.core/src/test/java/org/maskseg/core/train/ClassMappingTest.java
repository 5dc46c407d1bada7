package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

class ClassMappingTest {

    private static final List<String> MODEL = List.of("background", "nucleus", "debris");

    private static String error(Runnable r) {
        return assertThrows(InvalidInputException.class, r::run).getMessage();
    }

    @Test
    void namesKeepAddAndDropClasses() {
        ClassMapping m = ClassMapping.byNames(MODEL, "bg, mitosis,nucleus");
        assertArrayEquals(new int[] {0, ClassMapping.NEW, 1}, m.sources());
        assertEquals(List.of("bg", "mitosis", "nucleus"), m.classNames());
        assertEquals(3, m.modelClasses());
        assertEquals(3, m.numClasses());
        assertFalse(m.isIdentity());
        assertEquals("bg <- model class 0, mitosis: new, nucleus <- model class 1; dropped: model class 2",
                m.describe());

        assertTrue(ClassMapping.byNames(MODEL, List.of("background", "nucleus", "debris")).isIdentity());
        assertEquals(ClassMapping.identity(MODEL), ClassMapping.parse("0=0,1=1,2=2", MODEL));
        assertEquals(ClassMapping.identity(MODEL).hashCode(), ClassMapping.parse("0=0,1=1,2=2", MODEL).hashCode());
        assertFalse(ClassMapping.identity(MODEL).equals(ClassMapping.parse("0=0,1=2,2=1", MODEL)));
        assertTrue(ClassMapping.identity(MODEL).isIdentity());
        ClassMapping dropped = ClassMapping.byNames(MODEL, List.of("background", "debris"));
        assertArrayEquals(new int[] {0, 2}, dropped.sources());
        assertEquals(2, dropped.numClasses());
    }

    @Test
    void indexMapIsParsedWithModelNamesForKeptClasses() {
        ClassMapping m = ClassMapping.parse(" 2 = new, 0=0,1=2 ", MODEL);
        assertArrayEquals(new int[] {0, 2, ClassMapping.NEW}, m.sources());
        assertEquals(List.of("background", "debris", "class 2"), m.classNames());
        assertEquals(0, m.source(0));
        assertEquals(ClassMapping.NEW, m.source(2));
        assertTrue(ClassMapping.parse("0=0,1=1,2=2", MODEL).isIdentity());
        assertArrayEquals(new int[] {0, 1, -1, -1}, ClassMapping.parse("0=0,1=1,2=NEW,3=new", MODEL).sources());
    }

    @Test
    void badMappingsAreRefusedSayingWhy() {
        assertEquals("class mapping: class 2 refers to class 5 of the initial model, which has classes 0..2 "
                + "(background, nucleus, debris)", error(() -> ClassMapping.parse("0=0,1=1,2=5", MODEL)));
        assertEquals("class map: class 1 is given more than once", error(() -> ClassMapping.parse("0=0,1=1,1=2",
                MODEL)));
        assertEquals("class mapping: classes 1 and 2 both continue class 1 of the initial model; each model class "
                + "can be kept once", error(() -> ClassMapping.parse("0=0,1=1,2=1", MODEL)));
        assertEquals("class mapping: background (class 0) must continue the initial model's background (class 0), "
                + "got class 1", error(() -> ClassMapping.parse("0=1,1=0", MODEL)));
        assertEquals("class mapping: background (class 0) must continue the initial model's background (class 0), "
                + "got a new class", error(() -> ClassMapping.parse("0=new,1=1", MODEL)));
        assertEquals("class map '0=0,2=new' leaves class [1] undefined; give every class from 0 to 2",
                error(() -> ClassMapping.parse("0=0,2=new", MODEL)));
        assertTrue(error(() -> ClassMapping.parse("0=0,1:1", MODEL)).startsWith("class map entry '1:1': expected"));
        assertTrue(error(() -> ClassMapping.parse("0=0,1=x", MODEL))
                .startsWith("class map entry '1=x': 'x' is not a class index"));
        assertTrue(error(() -> ClassMapping.parse("0=0,-1=1", MODEL)).contains("'-1' is not a class index"));
        assertTrue(error(() -> ClassMapping.parse(" ", MODEL)).startsWith("class map is empty"));
        assertTrue(error(() -> ClassMapping.parse("0=0", MODEL)).contains("at least two classes"));

        assertEquals("class names: 'nucleus' is given twice",
                error(() -> ClassMapping.byNames(MODEL, "background,nucleus,nucleus")));
        assertEquals("class names: 'background' is the initial model's background; name the background first",
                error(() -> ClassMapping.byNames(MODEL, "nucleus,background")));
        assertTrue(error(() -> ClassMapping.byNames(MODEL, "background,,nucleus")).startsWith("class names: empty"));
        assertEquals("class names: 'Nucleus' differs from the initial model's class 'nucleus' only in case; write "
                + "'nucleus' to keep that class, or choose a distinct name for a new class",
                error(() -> ClassMapping.byNames(MODEL, "background,Nucleus")));
        assertTrue(error(() -> ClassMapping.byNames(MODEL, "background")).contains("at least two classes"));
    }

    @Test
    void settingsRefuseAMappingThatDoesNotFitTheInitialModel() {
        assertTrue(error(() -> TrainingSettings.builder().classMapping(ClassMapping.identity(MODEL)).build())
                .contains("give the initial model too"));
    }

    @Test
    void regionBasedModelsTakeNoClassMapping() {
        TrainedModel regions = randomModel(3, 8, "all=1,2;inner=2");
        assertEquals("a class mapping needs an initial model trained on classes; this one was trained on the regions "
                + regions.regions().format(), error(() -> TrainingSettings.builder().initialModel(regions)
                        .classMapping(ClassMapping.identity(MODEL)).build()));
    }

    /** A model of the given classes on the tiny network with every weight random, biases included. */
    private static TrainedModel randomModel(int classes, long seed) {
        return randomModel(classes, seed, null);
    }

    /** The same for a region-based model when regions (text form) are given. */
    private static TrainedModel randomModel(int classes, long seed, String regions) {
        Targets targets = Targets.classes(new LabelSpec(classes, 255, MODEL.subList(0, classes)));
        if (regions != null) {
            targets = Targets.of(targets.spec(), RegionSet.parse(regions, targets.spec()), false);
        }
        Plan plan = TinyProblem.plan(1, 1).toBuilder().targets(targets).build();
        Random r = new Random(seed);
        LinkedHashMap<String, HostTensor> w = new LinkedHashMap<>();
        try (NDManager m = TorchRuntime.newManager(Device.cpu()); PlainConvUNet net = PlainConvUNet.fromPlan(m, plan, 1)) {
            net.parameterShapes().forEach((name, shape) -> {
                float[] v = new float[Math.toIntExact(shape.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextGaussian();
                }
                w.put(name, new HostTensor(shape.getShape(), v));
            });
        }
        TrainingMetadata meta = new TrainingMetadata(1, 1, 1, null, 0, 0, 0, "last", "completed", seed, 0, "", "cpu()",
                1, 0, Map.of());
        return new TrainedModel(plan, meta, w);
    }

    @Test
    void headRowsAreCopiedPerMappingAndNewRowsComeFromTheFreshInitialisation() {
        TrainedModel model = randomModel(3, 4);
        // new classes: background <- 0, mitosis (new), nucleus <- 1; debris dropped
        ClassMapping mapping = ClassMapping.byNames(MODEL, "background,mitosis,nucleus");
        Plan plan = TinyProblem.plan(1, 1).toBuilder()
                .targets(Targets.classes(new LabelSpec(3, 3, mapping.classNames())))
                .build();
        long seed = 21;
        try (NDManager m = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(m, plan, seed);
                PlainConvUNet fresh = PlainConvUNet.fromPlan(m, plan, seed)) {
            Trainer.loadInitialModel(net, model, mapping);
            Map<String, float[]> loaded = net.exportParameters();
            Map<String, float[]> init = fresh.exportParameters();
            int heads = 0;
            for (Map.Entry<String, float[]> e : loaded.entrySet()) {
                String name = e.getKey();
                float[] old = model.weights().get(name).data();
                long[] shape = net.parameterShapes().get(name).getShape();
                if (!PlainConvUNet.isHeadParameter(name)) {
                    assertArrayEquals(old, e.getValue(), 0f, name);
                    continue;
                }
                heads++;
                assertEquals(3, shape[0], name);
                long[] oldShape = model.weights().get(name).shape();
                assertEquals(3, oldShape[0], name);
                assertArrayEquals(Arrays.copyOfRange(oldShape, 1, oldShape.length),
                        Arrays.copyOfRange(shape, 1, shape.length), name);
                int row = e.getValue().length / 3;
                float[] v = e.getValue();
                // kept rows are bit-identical to the model's rows of the continued classes
                assertArrayEquals(Arrays.copyOfRange(old, 0, row), Arrays.copyOfRange(v, 0, row), 0f, name);
                assertArrayEquals(Arrays.copyOfRange(old, row, 2 * row), Arrays.copyOfRange(v, 2 * row, 3 * row), 0f,
                        name);
                // the new class has the fresh network's initialisation of its row: Kaiming weights, zero bias
                float[] newRow = Arrays.copyOfRange(v, row, 2 * row);
                assertArrayEquals(Arrays.copyOfRange(init.get(name), row, 2 * row), newRow, 0f, name);
                for (int k = 0; k < 3; k++) {
                    assertFalse(Arrays.equals(Arrays.copyOfRange(old, k * row, (k + 1) * row), newRow), name);
                }
                if (name.endsWith(".bias")) {
                    assertEquals(0f, newRow[0], name);
                } else {
                    double ss = 0;
                    for (float x : newRow) {
                        ss += x * x;
                    }
                    assertTrue(ss > 0, name);
                }
            }
            assertEquals(2 * 2, heads, "weight and bias of both decoder levels' heads");
        }
    }

    @Test
    void droppingAClassShrinksTheHeads() {
        TrainedModel model = randomModel(3, 5);
        ClassMapping mapping = ClassMapping.parse("0=0,1=2", MODEL);
        Plan plan = TinyProblem.plan(1, 1).toBuilder()
                .targets(Targets.classes(new LabelSpec(2, 2, mapping.classNames())))
                .build();
        try (NDManager m = TorchRuntime.newManager(Device.cpu()); PlainConvUNet net = PlainConvUNet.fromPlan(m, plan, 3)) {
            Trainer.loadInitialModel(net, model, mapping);
            for (Map.Entry<String, float[]> e : net.exportParameters().entrySet()) {
                if (!PlainConvUNet.isHeadParameter(e.getKey())) {
                    continue;
                }
                float[] old = model.weights().get(e.getKey()).data();
                int row = old.length / 3;
                assertEquals(2 * row, e.getValue().length);
                float[] expected = new float[2 * row];
                System.arraycopy(old, 0, expected, 0, row);
                System.arraycopy(old, 2 * row, expected, row, row);
                assertArrayEquals(expected, e.getValue(), 0f, e.getKey());
            }
        }
    }

    @Test
    void aHeadOfTheWrongClassCountIsRefused() {
        TrainedModel model = randomModel(2, 6);
        ClassMapping threeClassMapping = ClassMapping.parse("0=0,1=1,2=2", MODEL);
        Plan plan = TinyProblem.plan(1, 1).toBuilder().targets(Targets.classes(new LabelSpec(3, 3, MODEL))).build();
        try (NDManager m = TorchRuntime.newManager(Device.cpu()); PlainConvUNet net = PlainConvUNet.fromPlan(m, plan, 3)) {
            String msg = error(() -> Trainer.loadInitialModel(net, model, threeClassMapping));
            assertTrue(msg.startsWith("the initial model's output head 'decoder."), msg);
        }
    }
}
