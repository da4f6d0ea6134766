# The Sandpit: one row per round, holding its recorded probes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courseware', '0002_submission_purpose'),
    ]

    operations = [
        migrations.CreateModel(
            name='SandpitGame',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('part', models.CharField(max_length=100)),
                ('probes', models.JSONField(default=list)),
                ('status', models.CharField(choices=[('playing', 'playing'), ('trapped', 'trapped'), ('warning', 'warning'), ('found', 'found'), ('failed', 'failed')], default='playing', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('attempt', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sandpit_games', to='courseware.attempt')),
                ('submission', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='courseware.submission')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('attempt', 'part'), name='one_sandpit_game_per_part')],
            },
        ),
    ]
