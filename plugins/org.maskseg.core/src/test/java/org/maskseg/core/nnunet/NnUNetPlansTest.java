package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.Region;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** plans.json and dataset.json as nnU-Net v2 writes them, converted to plan and labels. */
class NnUNetPlansTest {

    private static final Path PLANS = Path.of("plans.json");
    private static final Path DATASET = Path.of("dataset.json");

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) NnUNetPlans.JSON.readTree(text.replace('\'', '"'));
    }

    /** 3d_fullres with an architecture entry; 3d_lowres inherits it and changes spacing and patch. */
    private static ObjectNode plans(String transpose) throws Exception {
        return json("{'transpose_forward': " + transpose + ", 'configurations': {"
                + "'3d_fullres': {'batch_size': 2, 'patch_size': [32, 48, 64], 'spacing': [2.5, 0.8, 0.7],"
                + " 'normalization_schemes': ['CTNormalization'], 'use_mask_for_norm': [false], 'batch_dice': true,"
                + " 'architecture': {'network_class_name': 'dynamic_network_architectures.architectures.unet.PlainConvUNet',"
                + "  'arch_kwargs': {'n_stages': 3, 'features_per_stage': [32, 64, 128],"
                + "   'conv_op': 'torch.nn.modules.conv.Conv3d', 'kernel_sizes': [[1, 3, 3], [3, 3, 3], [3, 3, 3]],"
                + "   'strides': [[1, 1, 1], [1, 2, 2], [2, 2, 2]], 'n_conv_per_stage': [2, 2, 2],"
                + "   'n_conv_per_stage_decoder': [2, 2], 'conv_bias': true,"
                + "   'norm_op': 'torch.nn.modules.instancenorm.InstanceNorm3d',"
                + "   'norm_op_kwargs': {'eps': 1e-05, 'affine': true}, 'dropout_op': null, 'dropout_op_kwargs': null,"
                + "   'nonlin': 'torch.nn.LeakyReLU', 'nonlin_kwargs': {'inplace': true}}}},"
                + "'3d_lowres': {'inherits_from': '3d_fullres', 'spacing': [5.0, 1.6, 1.4], 'patch_size': [16, 32, 64]}},"
                + "'foreground_intensity_properties_per_channel': {'0': {'mean': 60.5, 'std': 40.25,"
                + " 'percentile_00_5': -100.0, 'percentile_99_5': 250.0}}}");
    }

    @Test
    void regionLabelsBecomeRegionsWithTheirExportOrder() throws Exception {
        ObjectNode dataset = json("{'channel_names': {'0': 'CT'}, 'labels': {'background': 0,"
                + " 'whole tumor': [1, 2, 3], 'tumor core': [2, 3], 'enhancing tumor': 3, 'ignore': 4},"
                + " 'regions_class_order': [1, 2, 3]}");
        NnUNetPlans.Imported i = NnUNetPlans.convert(plans("[0, 1, 2]"), PLANS, dataset, DATASET, "3d_lowres");
        assertEquals(List.of(new Region("whole tumor", List.of(1, 2, 3), 1), new Region("tumor core", List.of(2, 3), 2),
                new Region("enhancing tumor", List.of(3), 3)), i.plan().targets().regions().regions());
        assertEquals(List.of("background", "whole tumor", "tumor core", "enhancing tumor"),
                i.labels().classNames());
        assertEquals(4, i.labels().ignoreValue());
        assertEquals(3, i.plan().targets().outputChannels());
        // inherited from 3d_fullres, own spacing and patch, x first
        assertArrayEquals(new double[] {1.4, 1.6, 5.0}, i.plan().targetSpacing());
        assertArrayEquals(new int[] {64, 32, 16}, i.plan().patchSize());
        assertArrayEquals(new int[] {32, 64, 128}, i.plan().network().features());
        assertArrayEquals(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}}, i.plan().network().strides());
        assertEquals(List.of("ct"), i.plan().normalization().schemes());
        assertArrayEquals(new double[] {-100}, i.plan().normalization().clipLow());
        assertArrayEquals(new double[] {250}, i.plan().normalization().clipHigh());
        assertArrayEquals(new double[] {60.5}, i.plan().normalization().mean());
        assertArrayEquals(new double[] {40.25}, i.plan().normalization().std());
        assertTrue(i.convBias());
    }

    @Test
    void classLabelsAreOrderedByValue() throws Exception {
        ObjectNode dataset = json("{'channel_names': {'0': 'T1', '1': 'T2'}, 'labels': {'background': 0, 'b': 2,"
                + " 'a': 1}}");
        ObjectNode p = plans("null");
        ((ObjectNode) p.at("/configurations/3d_fullres")).putArray("normalization_schemes").add("ZScoreNormalization")
                .add("NoNormalization");
        ((ObjectNode) p.at("/configurations/3d_fullres")).putArray("use_mask_for_norm").add(true).add(false);
        NnUNetPlans.Imported i = NnUNetPlans.convert(p, PLANS, dataset, DATASET, "3d_fullres");
        assertEquals(List.of("background", "a", "b"), i.labels().classNames());
        assertEquals(3, i.labels().ignoreValue());
        assertFalse(i.plan().targets().regionBased());
        assertEquals(List.of("zscore", "none"), i.plan().normalization().schemes());
        assertArrayEquals(new boolean[] {true, false}, i.plan().normalization().useMask());
    }

    @Test
    void unsupportedPlansAreRefusedNamingFileAndKey() throws Exception {
        ObjectNode dataset = json("{'channel_names': {'0': 'CT'}, 'labels': {'background': 0, 'liver': 1}}");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(plans("[2, 0, 1]"), PLANS, dataset, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().startsWith("'plans.json', key 'transpose_forward'"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(plans("[0, 1, 2]"), PLANS, dataset, DATASET, "2d"));
        assertTrue(e.getMessage().contains("key 'configurations.2d': is missing"), e.getMessage());

        ObjectNode dropout = plans("[0, 1, 2]");
        ((ObjectNode) dropout.at("/configurations/3d_fullres/architecture/arch_kwargs")).put("dropout_op",
                "torch.nn.Dropout3d");
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(dropout, PLANS, dataset, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().contains("arch_kwargs.dropout_op"), e.getMessage());

        ObjectNode convs = plans("[0, 1, 2]");
        ((ObjectNode) convs.at("/configurations/3d_fullres/architecture/arch_kwargs"))
                .putArray("n_conv_per_stage_decoder").add(1).add(1);
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(convs, PLANS, dataset, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().contains("n_conv_per_stage_decoder"), e.getMessage());

        ObjectNode gaps = json("{'channel_names': {'0': 'CT'}, 'labels': {'background': 0, 'liver': 2}}");
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(plans("[0, 1, 2]"), PLANS, gaps, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().startsWith("'dataset.json', key 'labels'"), e.getMessage());
    }

    /** The plans' 3d_fullres turned into a ResidualEncoderUNet as nnU-Net's ResEnc planners write it. */
    private static ObjectNode resEncPlans() throws Exception {
        ObjectNode p = plans("[0, 1, 2]");
        ((ObjectNode) p.at("/configurations/3d_fullres/architecture")).put("network_class_name",
                "dynamic_network_architectures.architectures.unet.ResidualEncoderUNet");
        ObjectNode kwargs = (ObjectNode) p.at("/configurations/3d_fullres/architecture/arch_kwargs");
        kwargs.remove("n_conv_per_stage");
        kwargs.putArray("n_blocks_per_stage").add(1).add(3).add(4);
        kwargs.putArray("n_conv_per_stage_decoder").add(1).add(1);
        return p;
    }

    @Test
    void residualEncoderPlansGiveBlocksPerStageAndDecoderConvolutions() throws Exception {
        ObjectNode dataset = json("{'channel_names': {'0': 'CT'}, 'labels': {'background': 0, 'liver': 1}}");
        NnUNetPlans.Imported i = NnUNetPlans.convert(resEncPlans(), PLANS, dataset, DATASET, "3d_fullres");
        assertEquals(NnUNetPlans.Architecture.RESIDUAL_ENCODER_UNET, i.architecture());
        assertEquals("ResidualEncoderUNet", i.plan().network().architecture());
        assertArrayEquals(new int[] {1, 3, 4}, i.plan().network().blocksPerStage());
        assertEquals(1, i.plan().network().convsPerStage());
        assertArrayEquals(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}}, i.plan().network().strides());

        ObjectNode missing = resEncPlans();
        ((ObjectNode) missing.at("/configurations/3d_fullres/architecture/arch_kwargs")).remove("n_blocks_per_stage");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(missing, PLANS, dataset, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().contains("arch_kwargs.n_blocks_per_stage': is missing"), e.getMessage());

        ObjectNode uneven = resEncPlans();
        ((ObjectNode) uneven.at("/configurations/3d_fullres/architecture/arch_kwargs"))
                .putArray("n_conv_per_stage_decoder").add(1).add(2);
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(uneven, PLANS, dataset, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().contains("n_conv_per_stage_decoder': is [1, 2]"), e.getMessage());

        ObjectNode bottleneck = resEncPlans();
        ((ObjectNode) bottleneck.at("/configurations/3d_fullres/architecture/arch_kwargs")).put("block",
                "dynamic_network_architectures.building_blocks.residual.BottleneckD");
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetPlans.convert(bottleneck, PLANS, dataset, DATASET, "3d_fullres"));
        assertTrue(e.getMessage().contains("arch_kwargs.block': is") && e.getMessage().contains("BasicBlockD"),
                e.getMessage());
    }
}
